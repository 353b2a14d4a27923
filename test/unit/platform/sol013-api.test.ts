import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { HttpError } from '../../../lib/platform/http/http-error';
import { sol013Api } from '../../../lib/platform/middleware/sol013-api';
import { logger } from '../../../lib/platform/observability';

const context = {
  functionName: 'test',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

const VERSION = '1.3.0';
const API_VERSIONS = '/vnffm/v1/api_versions';

/** A request to the SOL 003 API: GET /vnffm/v1/alarms with a supported Version, unless told otherwise. */
function request(
  headers: Record<string, string> = { Version: VERSION },
  more: Partial<APIGatewayProxyEvent> = {},
): APIGatewayProxyEvent {
  return {
    resource: '/vnffm/v1/alarms',
    path: '/vnffm/v1/alarms',
    httpMethod: 'GET',
    headers,
    body: null,
    ...more,
  } as APIGatewayProxyEvent;
}

/** A handler behind the SOL 013 middleware, as the SOL 003 binding wires it; `route` answers (or throws). */
function sol013Handler(
  route: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> = async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: '[]',
  }),
) {
  const handled = jest.fn(route);
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(
      sol013Api({
        version: VERSION,
        supports: (v) => /^1\.[0-3]\.\d+$/.test(v.trim()),
        versionless: [API_VERSIONS],
      }),
    )
    .handler(handled);
  return { handled, call: (event: APIGatewayProxyEvent) => handler(event, context) };
}

/** The ProblemDetails of an error answer. */
const problemOf = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;

beforeEach(() => {
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('Middleware: SOL 013 HTTP conventions (sol013Api)', () => {
  describe('the Version header', () => {
    it('answers a request without Version with 400 problem+json, and does not handle it', async () => {
      // Prepare
      const { call, handled } = sol013Handler();

      // Act
      const response = await call(request({ Accept: 'application/json' }));

      // Assess
      expect(response).toEqual({
        statusCode: 400,
        headers: { 'Content-Type': 'application/problem+json', Version: VERSION },
        body: expect.any(String),
      });
      expect(problemOf(response)).toEqual({
        status: 400,
        detail: 'the Version header is missing (this API is version 1.3.0)',
        instance: '/vnffm/v1/alarms',
      });
      expect(handled).not.toHaveBeenCalled();
    });

    it.each(['2.0.0', '1.4.0', 'latest'])(
      'answers Version %s, which the API does not support, with 406',
      async (version) => {
        // Prepare
        const { call, handled } = sol013Handler();

        // Act
        const response = await call(request({ Version: version }));

        // Assess
        expect(response.statusCode).toBe(406);
        expect(response.headers).toEqual({ 'Content-Type': 'application/problem+json', Version: VERSION });
        expect(problemOf(response)).toMatchObject({
          status: 406,
          detail: expect.stringContaining(`Version ${version}`),
        });
        expect(handled).not.toHaveBeenCalled();
      },
    );

    it.each(['1.3.0', '1.0.0', '1.3.1'])('takes Version %s', async (version) => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(request({ Version: version }));

      // Assess
      expect(response.statusCode).toBe(200);
    });

    it('reads the Version header whatever its case', async () => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(request({ version: VERSION }));

      // Assess
      expect(response.statusCode).toBe(200);
    });

    it('answers api_versions without a Version header', async () => {
      // Prepare
      const { call, handled } = sol013Handler();

      // Act
      const response = await call(request({}, { resource: API_VERSIONS, path: API_VERSIONS }));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.headers).toMatchObject({ Version: VERSION });
      expect(handled).toHaveBeenCalledTimes(1);
    });

    it('answers api_versions to a request that has no headers at all', async () => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(request({}, { resource: API_VERSIONS, path: API_VERSIONS, headers: null as never }));

      // Assess
      expect(response.statusCode).toBe(200);
    });
  });

  describe('content negotiation', () => {
    it.each(['text/html', 'application/xml, text/plain', 'text/*'])(
      'answers Accept: %s, which it cannot answer, with 406',
      async (accept) => {
        // Prepare
        const { call, handled } = sol013Handler();

        // Act
        const response = await call(request({ Version: VERSION, Accept: accept }));

        // Assess
        expect(response.statusCode).toBe(406);
        expect(problemOf(response)).toMatchObject({ status: 406, detail: expect.stringContaining(accept) });
        expect(handled).not.toHaveBeenCalled();
      },
    );

    it.each([
      'application/json',
      'application/problem+json',
      '*/*',
      'application/*',
      'text/html, application/json;q=0.9',
      'application/json; charset=utf-8',
    ])('takes Accept: %s', async (accept) => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(request({ Version: VERSION, Accept: accept }));

      // Assess
      expect(response.statusCode).toBe(200);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['no Content-Type', undefined],
      ['application/merge-patch+json', 'application/merge-patch+json'],
    ])('answers a POST with %s with 415', async (_, contentType) => {
      // Prepare
      const { call, handled } = sol013Handler();
      const headers: Record<string, string> = {
        Version: VERSION,
        ...(contentType ? { 'Content-Type': contentType } : {}),
      };

      // Act
      const response = await call(
        request(headers, { httpMethod: 'POST', resource: '/vnffm/v1/subscriptions', body: '{}' }),
      );

      // Assess
      expect(response.statusCode).toBe(415);
      expect(problemOf(response)).toMatchObject({ status: 415, detail: expect.stringContaining('application/json') });
      expect(handled).not.toHaveBeenCalled();
    });

    it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])(
      'takes a POST with Content-Type %s',
      async (contentType) => {
        // Prepare
        const { call } = sol013Handler();

        // Act
        const response = await call(
          request(
            { Version: VERSION, 'content-type': contentType },
            { httpMethod: 'POST', resource: '/vnffm/v1/subscriptions', body: '{}' },
          ),
        );

        // Assess
        expect(response.statusCode).toBe(200);
      },
    );

    it.each(['application/merge-patch+json', 'application/json'])(
      'takes a PATCH with Content-Type %s',
      async (contentType) => {
        // Prepare
        const { call, handled } = sol013Handler();

        // Act
        const response = await call(
          request(
            { Version: VERSION, 'Content-Type': contentType },
            { httpMethod: 'PATCH', resource: '/vnffm/v1/alarms/{alarmId}', body: '{"ackState":"ACKNOWLEDGED"}' },
          ),
        );

        // Assess
        expect(response.statusCode).toBe(200);
        expect(handled).toHaveBeenCalledTimes(1);
      },
    );

    it('answers a PATCH with text/plain with 415', async () => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(
        request(
          { Version: VERSION, 'Content-Type': 'text/plain' },
          { httpMethod: 'PATCH', resource: '/vnffm/v1/alarms/{alarmId}', body: 'ACKNOWLEDGED' },
        ),
      );

      // Assess
      expect(response.statusCode).toBe(415);
    });

    it('takes a GET or DELETE without a Content-Type', async () => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const get = await call(request({ Version: VERSION }));
      const del = await call(
        request({ Version: VERSION }, { httpMethod: 'DELETE', resource: '/vnffm/v1/subscriptions/{subscriptionId}' }),
      );

      // Assess
      expect([get.statusCode, del.statusCode]).toEqual([200, 200]);
    });
  });

  describe('responses', () => {
    it("adds Version: 1.3.0 to a success, keeping the handler's headers", async () => {
      // Prepare
      const { call } = sol013Handler(async () => ({
        statusCode: 201,
        headers: {
          'Content-Type': 'application/json',
          Location: 'https://doctor.example.com/vnffm/v1/subscriptions/s-1',
        },
        body: '{}',
      }));

      // Act
      const response = await call(
        request({ Version: VERSION, 'Content-Type': 'application/json' }, { httpMethod: 'POST', body: '{}' }),
      );

      // Assess
      expect(response).toEqual({
        statusCode: 201,
        headers: {
          'Content-Type': 'application/json',
          Location: 'https://doctor.example.com/vnffm/v1/subscriptions/s-1',
          Version: VERSION,
        },
        body: '{}',
      });
    });

    it('adds Version to a response without headers', async () => {
      // Prepare
      const { call } = sol013Handler(async () => ({ statusCode: 204, body: '' }));

      // Act
      const response = await call(request({ Version: VERSION }));

      // Assess
      expect(response).toEqual({ statusCode: 204, headers: { Version: VERSION }, body: '' });
    });

    it("answers a route's HttpError as ProblemDetails with its status and message", async () => {
      // Prepare
      const { call } = sol013Handler(async () => {
        throw new HttpError(404, 'no alarm a-404');
      });

      // Act
      const response = await call(request({ Version: VERSION }, { path: '/vnffm/v1/alarms/a-404' }));

      // Assess
      expect(response).toEqual({
        statusCode: 404,
        headers: { 'Content-Type': 'application/problem+json', Version: VERSION },
        body: JSON.stringify({ status: 404, detail: 'no alarm a-404', instance: '/vnffm/v1/alarms/a-404' }),
      });
    });

    it('answers any other error with 500 "internal error", showing none of its details, and logs it whole', async () => {
      // Prepare
      const failure = new Error('DynamoDB: ValidationException at arn:aws:dynamodb:eu-west-1:123456789012:table/x');
      const { call } = sol013Handler(async () => {
        throw failure;
      });

      // Act
      const response = await call(request({ Version: VERSION }));

      // Assess
      expect(response.statusCode).toBe(500);
      expect(response.headers).toEqual({ 'Content-Type': 'application/problem+json', Version: VERSION });
      expect(problemOf(response)).toEqual({ status: 500, detail: 'internal error', instance: '/vnffm/v1/alarms' });
      expect(response.body).not.toContain('DynamoDB');
      expect(logger.error).toHaveBeenCalledWith('request failed', { error: failure });
    });

    it('answers an HttpError marked not to be shown as 500 "internal error"', async () => {
      // Prepare
      const { call } = sol013Handler(async () => {
        throw Object.assign(new Error('secret detail'), { statusCode: 400, expose: false });
      });

      // Act
      const response = await call(request({ Version: VERSION }));

      // Assess
      expect(problemOf(response)).toMatchObject({ status: 500, detail: 'internal error' });
    });
  });

  describe('media types, compared case-insensitively', () => {
    it('takes Accept: Application/JSON, media types being case-insensitive (RFC 9110 8.3.1)', async () => {
      // Prepare
      const { call } = sol013Handler();

      // Act
      const response = await call(request({ Version: VERSION, Accept: 'Application/JSON' }));

      // Assess
      expect(response.statusCode).toBe(200);
    });
  });
});
