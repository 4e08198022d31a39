/** One file a generator writes (path relative to the app root). */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** A generator's output: files, and where the new thing is registered (marker slot in src/app.ts). */
export interface Generated {
  files: GeneratedFile[];
  register?: {
    slot: string;
    entry: string;
    from: string;
    /** What to import when `entry` is a call with arguments (default: `entry` without `()`). */
    name?: string;
  };
  /** Printed when the thing cannot be registered automatically. */
  hint?: string;
}

