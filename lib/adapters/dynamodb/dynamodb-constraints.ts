import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  instanceConstraint,
  instanceGroupConstraint,
  type ConstraintKind,
  type InstanceConstraint,
  type InstanceGroupConstraint,
} from '../../maintenance/constraints/constraints';
import type {
  Constraint,
  ConstraintReader,
  ConstraintRef,
  ConstraintStore,
} from '../../maintenance/constraints/manage-constraints';
import { batchGetAll } from './batch-get-all';

// The project is part of the key: a constraint id is its project's own.
const keyOf = (kind: ConstraintKind, ref: ConstraintRef) => ({ pk: `${kind}#${ref.projectId}#${ref.id}` });
const withoutKey = ({ pk: _pk, ...constraint }: Record<string, unknown>) => constraint;
const parse = (kind: ConstraintKind, item: Record<string, unknown>): Constraint =>
  (kind === 'instance' ? instanceConstraint : instanceGroupConstraint).parse(withoutKey(item));
const distinct = (refs: ConstraintRef[]) => [
  ...new Map(refs.map((ref) => [`${ref.projectId}#${ref.id}`, ref])).values(),
];

/** Maintenance constraints, one item per project and instance or instance group. */
export class DynamoDbConstraints implements ConstraintStore, ConstraintReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(kind: ConstraintKind, ref: ConstraintRef): Promise<Constraint | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(kind, ref), ConsistentRead: true }),
    );
    return Item ? parse(kind, Item) : undefined;
  }

  /** The constraints of the instances among `refs` that have one. */
  async instances(refs: ConstraintRef[]): Promise<InstanceConstraint[]> {
    const keys = distinct(refs).map((ref) => keyOf('instance', ref));
    const items = await batchGetAll(this.client, this.tableName, keys);
    return items.map((item) => parse('instance', item) as InstanceConstraint);
  }

  /** The constraints of the instance groups among `refs` that have one. */
  async groups(refs: ConstraintRef[]): Promise<InstanceGroupConstraint[]> {
    const keys = distinct(refs).map((ref) => keyOf('instance_group', ref));
    const items = await batchGetAll(this.client, this.tableName, keys);
    return items.map((item) => parse('instance_group', item) as InstanceGroupConstraint);
  }

  async put(kind: ConstraintKind, ref: ConstraintRef, constraint: Constraint): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...constraint, ...keyOf(kind, ref) } }));
  }

  async delete(kind: ConstraintKind, ref: ConstraintRef): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(kind, ref) }));
  }
}
