import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  instanceConstraint,
  instanceGroupConstraint,
  type ConstraintKind,
  type InstanceConstraint,
  type InstanceGroupConstraint,
} from '../../maintenance/constraints/constraints';
import type { Constraint, ConstraintReader, ConstraintStore } from '../../maintenance/constraints/manage-constraints';
import { batchGetAll } from './batch-get-all';

const keyOf = (kind: ConstraintKind, id: string) => ({ pk: `${kind}#${id}` });
const withoutKey = ({ pk: _pk, ...constraint }: Record<string, unknown>) => constraint;
const parse = (kind: ConstraintKind, item: Record<string, unknown>): Constraint =>
  (kind === 'instance' ? instanceConstraint : instanceGroupConstraint).parse(withoutKey(item));

/** Maintenance constraints, one item per instance or instance group. */
export class DynamoDbConstraints implements ConstraintStore, ConstraintReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(kind: ConstraintKind, id: string): Promise<Constraint | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(kind, id), ConsistentRead: true }),
    );
    return Item ? parse(kind, Item) : undefined;
  }

  /** The constraints of the instances among `ids` that have one. */
  async instances(ids: string[]): Promise<InstanceConstraint[]> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(ids)].map((id) => keyOf('instance', id)),
    );
    return items.map((item) => parse('instance', item) as InstanceConstraint);
  }

  /** The constraints of the instance groups among `ids` that have one. */
  async groups(ids: string[]): Promise<InstanceGroupConstraint[]> {
    const keys = [...new Set(ids)].map((id) => keyOf('instance_group', id));
    const items = await batchGetAll(this.client, this.tableName, keys);
    return items.map((item) => parse('instance_group', item) as InstanceGroupConstraint);
  }

  async put(kind: ConstraintKind, id: string, constraint: Constraint): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...constraint, ...keyOf(kind, id) } }));
  }

  async delete(kind: ConstraintKind, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(kind, id) }));
  }
}
