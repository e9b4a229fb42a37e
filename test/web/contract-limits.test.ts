/**
 * The console's forms check the contract's own limits: the extraction that feeds them
 * (web/build/contract-limits.ts) reads required fields, lengths, ranges, counts and enumerations
 * through $refs, nullable types, nested objects and arrays.
 */
import t from 'tap';
import { contractLimits, contractLimitsOf } from '../../web/build/contract-limits.js';

t.test('a small contract, by hand', async (t) => {
  const doc = {
    paths: {
      '/things': {
        post: {
          operationId: 'createThing',
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingInput' } } } },
        },
        get: { operationId: 'listThings' },
      },
      '/files': { post: { operationId: 'upload', requestBody: { content: { 'application/pdf': {} } } } },
    },
    components: {
      schemas: {
        Name: { type: 'string', minLength: 1, maxLength: 40 },
        ThingInput: {
          type: 'object',
          required: ['name', 'tags'],
          properties: {
            name: { $ref: '#/components/schemas/Name' },
            code: { type: 'string', pattern: '^[A-Z]{2}$' },
            free: { type: 'string', pattern: '^[^\\u0000]*$' },
            note: { type: ['string', 'null'], maxLength: 200 },
            count: { type: 'integer', minimum: 1, maximum: 9 },
            tags: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['a', 'b'] } },
            place: { type: 'object', required: ['city'], properties: { city: { type: 'string', maxLength: 20 } } },
          },
        },
      },
    },
  };
  t.same(contractLimits(doc), {
    createThing: {
      name: { required: true, type: 'string', minLength: 1, maxLength: 40 },
      code: { type: 'string', pattern: '^[A-Z]{2}$' },
      free: { type: 'string' },
      note: { type: 'string', maxLength: 200 },
      count: { type: 'integer', minimum: 1, maximum: 9 },
      tags: { required: true, type: 'array', minItems: 1, maxItems: 3 },
      'tags[]': { type: 'string', enum: ['a', 'b'] },
      place: { type: 'object' },
      'place.city': { required: true, type: 'string', maxLength: 20 },
    },
  });
});

t.test("the platform's contract: what the request forms check", async (t) => {
  const limits = contractLimitsOf(new URL('../../openapi/openapi.yaml', import.meta.url).pathname);
  t.match(limits.refuseRequest, {
    reasons: { required: true, type: 'string', minLength: 1, maxLength: 4000 },
    alternatives: { required: true, maxLength: 4000 },
    citedConditions: { required: true, type: 'array' },
  });
  t.match(limits.requestRequestExtension?.days, { required: true, type: 'integer', minimum: 1, maximum: 250 });
  t.notOk(limits.approveRequest?.note?.required, 'a note is optional');
  t.equal(limits.createUser?.username?.pattern, '^[a-z0-9._-]{2,64}$', "a username's format");
  t.equal(limits.refuseRequest?.reasons?.pattern, undefined, 'the blanket no-NUL pattern is left out');
  t.notOk('getRequest' in limits, 'operations without a JSON body have no limits');
});
