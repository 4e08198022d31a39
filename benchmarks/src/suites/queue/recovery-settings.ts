/** Lease (Ody) / lock (BullMQ) of the crash-recovery rows, and how often expired ones are looked for. */
export const LEASE = { leaseMs: 2_000, checkMs: 500 } as const;
