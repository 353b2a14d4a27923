import {
  paginateQuery,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';

type Items = NonNullable<QueryCommandOutput['Items']>;

/** Every item a Query returns, page after page (the SDK's paginator). */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Items> {
  const items: Items = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}
