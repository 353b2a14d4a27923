import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { HttpError } from '../../../lib/platform/http/http-error';
import { apiRoute } from '../../../lib/platform/middleware/api-route';

const context = {
  functionName: 'test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;
const event = {} as APIGatewayProxyEvent;

describe('Middleware: every API route answers errors as JSON', () => {
  it('answers a refusal with its status and {"message"}', async () => {
    // Prepare
    const handler = apiRoute().handler(async () => {
      throw new HttpError(403, 'project a may not act on project b');
    });

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response).toEqual({
      statusCode: 403,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'project a may not act on project b' }),
    });
  });

  it('answers any other error with 500 and no detail of it', async () => {
    // Prepare
    const handler = apiRoute().handler(async () => {
      throw new Error('DynamoDB: ValidationException at arn:aws:dynamodb:...');
    });

    // Act
    const response = await handler(event, context);

    // Assess
    expect(response).toEqual({
      statusCode: 500,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'internal error' }),
    });
  });
});
