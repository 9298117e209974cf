/**
 * Human review through the real service (issue 11 item 4) on both databases, with the
 * diff_detector fixture: a review is stored with who and when and shown by GET /inference/{id};
 * a re-review becomes revision 2 and replaces the first everywhere while the history keeps
 * both; bad reviews are 400/404/409 problem+json with nothing stored; the `review` scope is an
 * operator's (an infer key cannot write ground truth, a review key cannot inspect); the queue
 * lists REVIEW verdicts first, then a deterministic sample, a cursor page at a time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/start-service.js';
import { body, form, jsonBody } from './helpers/http.js';
import { blank, greyPng, topLeftDefect } from './helpers/png.js';
import { databaseKinds } from './helpers/test-databases.js';
import { adminHeaders, createTestEnvironment, type TestEnvironment } from './helpers/test-service.js';

/** Grey in the top-left quadrant: diff_detector scores it about 0.63, inside the review band below 0.7. */
const faintDefect = () => greyPng(64, 64, (x, y) => (x < 32 && y < 32 ? 160 : 0));

describe.each(databaseKinds)('human review on $kind', ({ kind, skip }) => {
  let env: TestEnvironment;
  let service: RunningService;
  const request = (p: string, init?: RequestInit) => service.app.request(`/api/v1${p}`, init);
  const predict = async (image: Uint8Array, fields: Record<string, string> = {}) => {
    const response = await request('/inference/predict', {
      method: 'POST',
      body: form({ image, reference: blank(), ...fields }),
      headers: adminHeaders,
    });
    expect(response.status).toBe(200);
    return body(response);
  };
  const review = (id: string, value: unknown, headers: Record<string, string> = adminHeaders) =>
    request(`/inference/${id}/review`, {
      ...jsonBody('POST', value),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const createKey = async (scopes: string[]) => {
    const response = await request('/keys', {
      ...jsonBody('POST', { name: `review-test-${scopes.join('-')}`, scopes }),
      headers: { 'content-type': 'application/json', ...adminHeaders },
    });
    expect(response.status).toBe(201);
    return (await body(response)).key as string;
  };

  beforeAll(async () => {
    if (skip) return;
    env = await createTestEnvironment(kind, ['diff_detector']);
    service = await env.start({ worker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await env?.dispose();
  });

  it.skipIf(skip)(
    'stores a review with who and when, shows it on the result, and versions a re-review',
    async () => {
      const result = await predict(topLeftDefect(), { lot_id: 'LOT-R1' });
      expect(result.detections).toHaveLength(1);
      expect(result.review).toBeNull();

      const first = await review(result.id, {
        verdict: 'FAIL',
        defects: [{ index: 0, outcome: 'true_defect' }],
        missed: [{ defect_type: 'bottom_right', box: { x1: 40, y1: 40, x2: 60, y2: 62 } }],
        reviewer: 'j.doe',
        comment: 'second defect under the label',
      });
      expect(first.status).toBe(201);
      expect(first.headers.get('location')).toBe(`/api/v1/inference/${result.id}/reviews`);
      const stored = await body(first);
      expect(stored).toMatchObject({
        revision: 1,
        verdict: 'FAIL',
        model_verdict: result.verdict.status,
        verdict_agrees: result.verdict.status === 'FAIL',
        defects: [{ index: 0, outcome: 'true_defect', defect_type: result.detections[0].defect_type }],
        missed: [{ defect_type: 'bottom_right', box: { x1: 40, y1: 40, x2: 60, y2: 62 } }],
        counts: { true_defects: 1, false_alarms: 0, missed: 1 },
        reviewer: 'j.doe',
        api_key_id: 'env-admin',
      });
      expect(Date.parse(stored.created_at)).toBeGreaterThan(Date.parse(result.created_at));
      expect((await body(await request(`/inference/${result.id}`))).review).toEqual(stored);

      const again = await review(result.id, {
        verdict: 'PASS',
        defects: [{ index: 0, outcome: 'false_alarm' }],
      });
      expect(again.status).toBe(201);
      const second = await body(again);
      expect(second).toMatchObject({
        revision: 2,
        verdict: 'PASS',
        counts: { true_defects: 0, false_alarms: 1, missed: 0 },
      });
      expect((await body(await request(`/inference/${result.id}`))).review).toEqual(second);
      const listed = await body(await request('/inference?lot_id=LOT-R1'));
      expect(listed.items[0].review).toEqual(second);

      const history = await body(await request(`/inference/${result.id}/reviews`));
      expect(history.reviews.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
      expect(history.reviews[0].superseded_at).toBeNull();
      expect(Date.parse(history.reviews[1].superseded_at)).toBeGreaterThanOrEqual(
        Date.parse(stored.created_at),
      );
      expect(history.reviews[1]).toMatchObject({
        missed: stored.missed,
        comment: 'second defect under the label',
      });
    },
  );

  it.skipIf(skip)('refuses reviews that do not fit the result, with nothing stored', async () => {
    const result = await predict(topLeftDefect());
    const cases: Array<[string, unknown, number, string]> = [
      ['no judgement of detection 0', { verdict: 'FAIL', defects: [] }, 400, 'defects'],
      [
        'an index past the detections',
        {
          verdict: 'FAIL',
          defects: [
            { index: 0, outcome: 'true_defect' },
            { index: 1, outcome: 'false_alarm' },
          ],
        },
        400,
        'defects.1.index',
      ],
      [
        'a detection judged twice',
        {
          verdict: 'FAIL',
          defects: [
            { index: 0, outcome: 'true_defect' },
            { index: 0, outcome: 'true_defect' },
          ],
        },
        400,
        'defects.1.index',
      ],
      [
        'a missed box outside the image',
        {
          verdict: 'FAIL',
          defects: [{ index: 0, outcome: 'true_defect' }],
          missed: [{ defect_type: 'x', box: { x1: 10, y1: 10, x2: 65, y2: 20 } }],
        },
        400,
        'missed.0.box',
      ],
      [
        'an upside-down box',
        {
          verdict: 'FAIL',
          defects: [{ index: 0, outcome: 'true_defect' }],
          missed: [{ defect_type: 'x', box: { x1: 10, y1: 30, x2: 20, y2: 20 } }],
        },
        400,
        'missed.0.box',
      ],
      [
        'an unknown outcome',
        { verdict: 'FAIL', defects: [{ index: 0, outcome: 'maybe' }] },
        400,
        'defects.0.outcome',
      ],
      [
        'a verdict of REVIEW',
        { verdict: 'REVIEW', defects: [{ index: 0, outcome: 'true_defect' }] },
        400,
        'verdict',
      ],
    ];
    for (const [name, value, status, field] of cases) {
      const response = await review(result.id, value);
      expect(response.status, name).toBe(status);
      expect(response.headers.get('content-type'), name).toContain('application/problem+json');
      const problem = await body(response);
      expect(
        problem.errors.map((e: { field: string }) => e.field),
        name,
      ).toContain(field);
    }
    expect((await body(await request(`/inference/${result.id}`))).review).toBeNull();
    expect((await body(await request(`/inference/${result.id}/reviews`))).reviews).toEqual([]);

    const unknown = await review('0f8c4e1a-3b7d-4c2e-9a51-6d0e2f7b8c90', { verdict: 'PASS', defects: [] });
    expect(unknown.status).toBe(404);
    // A failed inspection (the broken model is not in this repository) has nothing to review.
    const failed = await request('/inference/predict', {
      method: 'POST',
      body: form({ image: topLeftDefect(), reference: blank(), model: 'no_such_model' }),
      headers: adminHeaders,
    });
    const failedId = (await body(failed)).details.inference_id;
    const conflict = await review(failedId, { verdict: 'PASS', defects: [] });
    expect(conflict.status).toBe(409);
    expect((await body(conflict)).code).toBe('CONFLICT');
  });

  it.skipIf(skip)(
    'review is an operator scope: infer keys cannot review, review keys cannot inspect',
    async () => {
      const result = await predict(topLeftDefect());
      const valid = { verdict: 'FAIL', defects: [{ index: 0, outcome: 'true_defect' }] };
      const inferKey = await createKey(['infer']);
      const reviewKey = await createKey(['review']);
      // Once an infer key exists, access is closed: no key is 401.
      expect((await review(result.id, valid, {})).status).toBe(401);
      const denied = await review(result.id, valid, { authorization: `Bearer ${inferKey}` });
      expect(denied.status).toBe(403);
      expect((await body(denied)).code).toBe('PERMISSION_DENIED');
      const predictWithReviewKey = await request('/inference/predict', {
        method: 'POST',
        body: form({ image: topLeftDefect(), reference: blank() }),
        headers: { authorization: `Bearer ${reviewKey}` },
      });
      expect(predictWithReviewKey.status).toBe(403);
      const accepted = await review(result.id, valid, { authorization: `Bearer ${reviewKey}` });
      expect(accepted.status).toBe(201);
      const keyId = reviewKey.split('_')[1];
      expect((await body(accepted)).api_key_id).toBe(keyId);
      // Reading needs any key now; a review key reads.
      const queue = await request('/reviews/queue', { headers: { authorization: `Bearer ${reviewKey}` } });
      expect(queue.status).toBe(200);
    },
  );

  it.skipIf(skip)('groups precision per experiment arm recorded on each result, or per version', async () => {
    // The arm each result was served by is recorded on it (experiment_id, experiment_arm); the
    // experiments API that sets them is issue 11's split/shadow work, so they are set here directly.
    const db = service.database.db;
    const experiment = randomUUID();
    await db
      .insertInto('experiments')
      .values({
        id: experiment,
        name: 'arms',
        model_name: 'diff_detector',
        mode: 'split',
        unit: 'request',
        status: 'stopped',
      })
      .execute();
    const lot = 'LOT-ARMS';
    const served: Array<{ id: string; arm: string }> = [];
    for (const arm of ['control', 'control', 'treatment', 'treatment', 'treatment']) {
      const result = await predict(topLeftDefect(), { lot_id: lot });
      await db
        .updateTable('inferences')
        .set({ experiment_id: experiment, experiment_arm: arm })
        .where('id', '=', result.id)
        .execute();
      served.push({ id: result.id, arm });
    }
    // control: 1 true, 1 false alarm; treatment: 3 true, 1 missed.
    const outcomes = ['true_defect', 'false_alarm', 'true_defect', 'true_defect', 'true_defect'] as const;
    for (const [i, s] of served.entries()) {
      const response = await review(s.id, {
        verdict: 'FAIL',
        defects: [{ index: 0, outcome: outcomes[i] }],
        missed: i === 4 ? [{ defect_type: 'top_left', box: { x1: 1, y1: 1, x2: 5, y2: 5 } }] : [],
      });
      expect(response.status).toBe(201);
    }
    const byArm = await body(
      await request(`/reviews/quality?experiment_id=${experiment}&by=arm&bucket=all`, {
        headers: adminHeaders,
      }),
    );
    expect(byArm.by).toBe('arm');
    const arm = (name: string) =>
      byArm.groups.find((g: { experiment: { arm: string } | null }) => g.experiment?.arm === name).total;
    expect(byArm.groups).toHaveLength(2);
    expect(arm('control')).toMatchObject({
      reviewed: 2,
      true_defects: 1,
      false_alarms: 1,
      missed: 0,
      precision: { value: 0.5 },
    });
    expect(arm('treatment')).toMatchObject({
      reviewed: 3,
      true_defects: 3,
      false_alarms: 0,
      missed: 1,
      precision: { value: 1 },
      recall: { value: 0.75 },
    });
    const byVersion = await body(
      await request(`/reviews/quality?experiment_id=${experiment}&bucket=all`, { headers: adminHeaders }),
    );
    expect(byVersion.groups).toHaveLength(1);
    expect(byVersion.groups[0]).toMatchObject({
      experiment: null,
      total: { reviewed: 5, true_defects: 4, false_alarms: 1, missed: 1 },
    });
    const queue = await body(
      await request(
        `/reviews/queue?experiment_id=${experiment}&experiment_arm=control&include_reviewed=true&sample_rate=1`,
        {
          headers: adminHeaders,
        },
      ),
    );
    expect(queue.items.map((i: { result: { id: string } }) => i.result.id)).toEqual(
      served.filter((s) => s.arm === 'control').map((s) => s.id),
    );
  });

  it.skipIf(skip)('queues REVIEW verdicts first, then a deterministic sample, paged by cursor', async () => {
    const lot = 'LOT-QUEUE';
    const made: Array<{ id: string; verdict: string }> = [];
    for (let i = 0; i < 3; i++) {
      const r = await predict(faintDefect(), { lot_id: lot, confidence_threshold: '0.7' });
      made.push({ id: r.id, verdict: r.verdict.status });
    }
    for (let i = 0; i < 6; i++) {
      const r = await predict(i % 2 === 0 ? topLeftDefect() : blank(), { lot_id: lot });
      made.push({ id: r.id, verdict: r.verdict.status });
    }
    expect(made.slice(0, 3).map((m) => m.verdict)).toEqual(['REVIEW', 'REVIEW', 'REVIEW']);
    expect(made.slice(3).every((m) => m.verdict !== 'REVIEW')).toBe(true);
    const headers = adminHeaders;

    // Everything sampled: REVIEW verdicts first, oldest first within each reason.
    const all = await body(await request(`/reviews/queue?lot_id=${lot}&sample_rate=1`, { headers }));
    expect(all.items.map((i: { result: { id: string } }) => i.result.id)).toEqual(made.map((m) => m.id));
    expect(all.items.map((i: { reason: string }) => i.reason)).toEqual([
      ...Array(3).fill('review_verdict'),
      ...Array(6).fill('sample'),
    ]);
    // Nothing sampled: only the REVIEW verdicts.
    const none = await body(await request(`/reviews/queue?lot_id=${lot}&sample_rate=0`, { headers }));
    expect(none.items.map((i: { result: { id: string } }) => i.result.id)).toEqual(
      made.slice(0, 3).map((m) => m.id),
    );
    // A partial sample is a subset, the same on every call.
    const half = async () =>
      (await body(await request(`/reviews/queue?lot_id=${lot}&sample_rate=0.5`, { headers }))).items.map(
        (i: { result: { id: string } }) => i.result.id,
      );
    const sampled = await half();
    expect(await half()).toEqual(sampled);
    expect(sampled.slice(0, 3)).toEqual(made.slice(0, 3).map((m) => m.id));
    expect(sampled.every((id: string) => made.some((m) => m.id === id))).toBe(true);

    // Pages of 2 walk the same order; a review made meanwhile leaves the queue without shifting pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    let reviewedOne = false;
    do {
      const url: string = `/reviews/queue?lot_id=${lot}&sample_rate=1&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = await body(await request(url, { headers }));
      seen.push(...page.items.map((i: { result: { id: string } }) => i.result.id));
      cursor = page.page.next_cursor;
      if (!reviewedOne && made[0] !== undefined) {
        const target = made[0];
        const result = await body(await request(`/inference/${target.id}`, { headers }));
        const response = await review(target.id, {
          verdict: 'FAIL',
          defects: result.detections.map((_: unknown, index: number) => ({ index, outcome: 'true_defect' })),
        });
        expect(response.status).toBe(201);
        reviewedOne = true;
      }
    } while (cursor !== null);
    expect(seen).toEqual(made.map((m) => m.id));
    const after = await body(await request(`/reviews/queue?lot_id=${lot}&sample_rate=1`, { headers }));
    expect(after.items.map((i: { result: { id: string } }) => i.result.id)).toEqual(
      made.slice(1).map((m) => m.id),
    );
    const withReviewed = await body(
      await request(`/reviews/queue?lot_id=${lot}&sample_rate=1&include_reviewed=true`, { headers }),
    );
    expect(withReviewed.items[0].result.review.revision).toBe(1);

    const bad = await request('/reviews/queue?cursor=bm90LWEtY3Vyc29yLWF0LWFsbA', { headers });
    expect(bad.status).toBe(400);
    expect((await request('/reviews/queue?sample_rate=2', { headers })).status).toBe(400);
  });
});
