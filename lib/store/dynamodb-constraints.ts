import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  instanceConstraint,
  instanceGroupConstraint,
  type ConstraintKind,
} from '../maintenance/constraints/constraints';
import type { Constraint, ConstraintStore } from '../maintenance/constraints/manage-constraints';

const keyOf = (kind: ConstraintKind, id: string) => ({ pk: `${kind}#${id}` });

/** Maintenance constraints, one item per instance or instance group. */
export class DynamoDbConstraints implements ConstraintStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(kind: ConstraintKind, id: string): Promise<Constraint | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keyOf(kind, id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, ...constraint } = Item;
    return (kind === 'instance' ? instanceConstraint : instanceGroupConstraint).parse(constraint);
  }

  async put(kind: ConstraintKind, id: string, constraint: Constraint): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...constraint, ...keyOf(kind, id) } }));
  }

  async delete(kind: ConstraintKind, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(kind, id) }));
  }
}
