// The OpenAPI document is generated from the route schemas and committed as docs/openapi.json; this
// fails when the served document drifts from the committed one (run `npm run openapi` and commit).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateOpenApi, OPENAPI_PATH } from '../../scripts/openapi.js';
import { startApi } from './api-helpers.js';

describe('OpenAPI document', () => {
  it('docs/openapi.json is what the API serves (npm run openapi regenerates it)', async () => {
    const committed = readFileSync(OPENAPI_PATH, 'utf8');
    const generated = await generateOpenApi();
    assert.ok(committed === generated, `${OPENAPI_PATH} is out of date: run \`npm run openapi\` and commit it`);
  });

  it('/openapi.json covers /v1 and the Jiwa routes, and /swagger-ui and /docs serve Swagger UI', async () => {
    const api = await startApi();
    try {
      const doc = (await api.raw({ method: 'GET', url: '/openapi.json' })).body;
      for (const path of [
        '/v1/events',
        '/v1/subscribers',
        '/auth',
        '/Webhooks/Events',
        '/Webhooks/Subscribers',
        '/Webhooks/Subscribers/{SubscriberID}/Subscriptions',
        '/Webhooks/Subscribers/{SubscriberID}/Subscriptions/{SubscriptionID}',
        '/Webhooks/Subscribers/{SubscriberID}/Messages',
        '/Webhooks/Subscribers/{SubscriberID}/Messages/Responses',
        '/Webhooks/Subscribers/{SubscriberID}/Subscriptions/{SubscriptionID}/Messages/{MessageID}',
      ]) {
        assert.ok(doc.paths[path], `${path} is in the document`);
      }
      const post = doc.paths['/Webhooks/Subscribers/{SubscriberID}/Subscriptions'].post;
      assert.deepEqual(Object.keys(post.requestBody.content['application/json'].schema.properties), [
        'SubscriberID',
        'URL',
        'EventName',
        'Headers',
      ]);
      assert.deepEqual(post.security, [], 'subscriber operations need only the SubscriberID');
      assert.deepEqual(doc.paths['/Webhooks/Subscribers'].post.security, [{ bearer: [] }, { session: [] }]);
      for (const url of ['/swagger-ui/', '/docs/']) {
        const page = await api.raw({ method: 'GET', url });
        assert.equal(page.status, 200);
        assert.match(page.text, /swagger/i);
      }
    } finally {
      await api.close();
    }
  });
});
