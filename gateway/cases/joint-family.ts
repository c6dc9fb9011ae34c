// A joint case's family in the store (gateway/README.md#joint-cases,
// gateway/README.md#joint-parent-atomicity): a parent follows its children by the rule in
// joint-parent.ts, inside each child's move (case-mover.ts reads the family here and tells the
// parent's move through tellFollowed) or, outside any move, by followParent — the joint-case
// queue's job and the reconciler's repair of a parent an older gateway left behind, over each
// shard's list of open parents (jointParentsToCheck, jointParentChecked). A part of the case
// store, built by the CaseStore (case-store.ts) from its one context, so the keys, the Redis
// client and the clock keep one owner; the store delegates followParent, jointParentsToCheck and
// jointParentChecked here.
import { runScript } from '../shared/lua-script.ts';
import type { RedisClient } from '../shared/redis.ts';
import type { RedisKeys } from '../shared/redis-keys.ts';
import type { CaseReader } from './case-reader.ts';
import { CorruptCaseError, type JointParentCase } from './case-record.ts';
import { asStatus, CASE_SCRIPTS, type FollowReply } from './case-scripts.ts';
import type { CaseStatus } from './case-status.ts';
import type { CaseStoreContext } from './case-store-context.ts';
import { familyKeys, PARENT_RULE_JSON, type JointFamily } from './joint-parent.ts';
import { moveEntry, type MoveOutbox } from './move-outbox.ts';
import { ROUTED_SEQUENCE } from './submission-history.ts';

const { followParent: FOLLOW_PARENT } = CASE_SCRIPTS;

export class JointFamilies {
  readonly #context: CaseStoreContext;
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #now: () => Date;
  readonly #reader: CaseReader;
  readonly #moveOutbox: MoveOutbox;

  constructor(context: CaseStoreContext, reader: CaseReader, moveOutbox: MoveOutbox) {
    this.#context = context;
    this.#redis = context.redis;
    this.#keys = context.keys;
    this.#now = context.now;
    this.#reader = reader;
    this.#moveOutbox = moveOutbox;
  }

  /**
   * Lets a joint parent catch up with its children, outside any child's move (the joint-case
   * queue's job, the reconciler's repair). Answers where the parent is, and where it was if it
   * moved; undefined when it is gone or not a joint parent.
   */
  async followParent(
    parentId: string,
  ): Promise<{ status: CaseStatus; movedFrom?: CaseStatus } | undefined> {
    const parent = await this.#reader.get(parentId);
    if (parent?.kind !== 'joint-parent') return undefined;
    const now = this.#now();
    const at = now.toISOString();
    const [keys, args] = [
      [
        this.#keys.shardOf(parent.id).moveOutbox,
        ...familyKeys(this.#keys, { parentId: parent.id, children: parent.children }),
      ],
      // The outbox entry's score is the system clock's, as every move's (transitionCall).
      [
        PARENT_RULE_JSON,
        at,
        this.#context.retentionSeconds(),
        this.#context.moveId(),
        parent.id,
        Date.now(),
      ],
    ];
    const reply = (await runScript(this.#redis, FOLLOW_PARENT, keys, args)) as FollowReply | [];
    if (reply.length === 0) return { status: parent.status };
    if (await this.tellFollowed(parent, reply, at)) {
      await this.#moveOutbox.told(parent.id, [
        moveEntry(parent.id, reply[2], 'parent-followed', reply[0], at),
      ]);
    }
    return { status: asStatus(reply[1]), movedFrom: asStatus(reply[0]) };
  }

  /** One shard's open joint parents last checked before `olderThanMs`, oldest check first. */
  async jointParentsToCheck(shard: number, olderThanMs: number, limit: number): Promise<string[]> {
    const key = this.#keys.shard(shard).jointParents;
    return this.#redis.zrangebyscore(key, '-inf', olderThanMs, 'LIMIT', 0, limit);
  }

  /** The reconciler checked a joint parent: again later while it is open, never once closed. */
  async jointParentChecked(parentId: string, status: CaseStatus | undefined): Promise<void> {
    const key = this.#keys.shardOf(parentId).jointParents;
    if (status === undefined || status === 'CLOSED') {
      await this.#redis.zrem(key, parentId);
    } else {
      await this.#redis.zadd(key, 'XX', this.#now().getTime(), parentId);
    }
  }

  /** A joint parent's children, read alone: a child's every move needs them, not the envelope. */
  async family(parentId: string): Promise<JointFamily | undefined> {
    const raw = await this.#redis.hget(this.#keys.case(parentId), 'children');
    if (!raw) return undefined;
    const children = JSON.parse(raw) as unknown;
    if (!Array.isArray(children) || !children.every((c) => typeof c === 'string')) {
      throw new CorruptCaseError(`case ${parentId}: children is not a list of ids`);
    }
    return { parentId, children };
  }

  /** Tells the listeners that a joint parent followed its children (follow-parent's reply). */
  async tellFollowed(parent: JointParentCase, reply: FollowReply, at: string): Promise<boolean> {
    const [previous, status, stored] = reply;
    return this.#moveOutbox.tell({
      record: parent,
      move: 'parent-followed',
      previous: asStatus(previous),
      status: asStatus(status),
      fields: {},
      sequence: ROUTED_SEQUENCE + Number(stored),
      at,
    });
  }
}
