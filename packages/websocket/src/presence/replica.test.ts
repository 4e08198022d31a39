import { describe, expect, it } from 'vitest';
import { PresenceReplica } from './replica.js';

describe('PresenceReplica', () => {
  it('emits member_added for a member first connection and member_removed for its last', () => {
    const r = new PresenceReplica();
    expect(r.join('presence-a', 'c1', { id: 'u1' }, 'w1')?.kind).toBe('member_added');
    expect(r.join('presence-a', 'c2', { id: 'u1' }, 'w2')).toBeUndefined();
    expect(r.join('presence-a', 'c2', { id: 'u1' }, 'w2')).toBeUndefined();
    expect(r.members('presence-a')).toEqual([{ id: 'u1' }]);
    expect(r.leave('presence-a', 'c1')).toBeUndefined();
    expect(r.leave('presence-a', 'c2')).toMatchObject({ kind: 'member_removed', member: { id: 'u1' }, connectionId: 'c2' });
    expect(r.leave('presence-a', 'c2')).toBeUndefined();
    expect(r.members('presence-a')).toEqual([]);
  });

  it('drops every entry of a stopped origin and replays an origin state', () => {
    const r = new PresenceReplica();
    r.join('presence-a', 'c1', { id: 'u1' }, 'w1');
    r.join('presence-b', 'c1', { id: 'u1' }, 'w1');
    r.join('presence-a', 'c2', { id: 'u2' }, 'w2');
    expect(r.entriesOf('w1')).toHaveLength(2);
    const gone = r.dropOrigin('w1');
    expect(gone.map((t) => `${t.kind}:${t.channel}:${t.member.id}`).sort()).toEqual([
      'member_removed:presence-a:u1',
      'member_removed:presence-b:u1',
    ]);
    expect(r.members('presence-a')).toEqual([{ id: 'u2' }]);
  });
});
