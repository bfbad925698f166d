/* A group document as the record the Store interface speaks, shared by the group reads and writes. */

import type { JoinMode } from '@quickchat/protocol';
import type { GroupRecord } from '@quickchat/server';
import type { GroupDoc } from './schemas.js';

/** The pending kinds, for validation. */
export const KINDS = ['invite', 'request'] as const;

/** A group document as a record. */
export function toGroup(d: GroupDoc): GroupRecord {
  return {
    id: d._id,
    name: d.name,
    avatarUrl: d.avatarUrl,
    description: d.description,
    joinMode: d.joinMode as JoinMode,
    historyVisible: d.historyVisible,
    ownerId: d.ownerId,
    memberCount: d.memberCount,
    createdAt: d.createdAt,
    dissolvedAt: d.dissolvedAt,
  };
}
