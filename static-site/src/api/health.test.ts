// Unit tests for classifying /api/health replies through the real generated client.
import { describe, expect, it } from 'vitest';
import { degradedReport, jsonResponse, okReport, stubFetch } from '../test/http';
import { fetchHealth } from './health';

describe('fetchHealth', () => {
  it('requests GET /api/health on the page origin', async () => {
    const fetchMock = stubFetch(jsonResponse(okReport));
    await fetchHealth();
    const request = fetchMock.mock.calls[0]?.[0];
    expect(request).toBeInstanceOf(Request);
    expect((request as Request).method).toBe('GET');
    expect((request as Request).url).toBe(`${window.location.origin}/api/health`);
  });

  it('returns the report on 200', async () => {
    stubFetch(jsonResponse(okReport));
    expect(await fetchHealth()).toEqual({ ok: true, report: okReport, httpStatus: 200 });
  });

  it('returns the report, not an error, on 503 with a health body', async () => {
    stubFetch(jsonResponse(degradedReport, 503));
    expect(await fetchHealth()).toEqual({ ok: true, report: degradedReport, httpStatus: 503 });
  });

  it('returns a problem for application/problem+json', async () => {
    stubFetch(
      jsonResponse({ type: 'about:blank', title: 'Internal error', status: 500, request_id: 'r-1' }, 500, 'application/problem+json'),
    );
    const outcome = await fetchHealth();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'problem', problem: { title: 'Internal error', request_id: 'r-1' } } });
  });

  it('reports a network failure when fetch rejects', async () => {
    stubFetch(new TypeError('Failed to fetch'));
    expect(await fetchHealth()).toEqual({ ok: false, failure: { kind: 'network', message: 'Failed to fetch' } });
  });

  it('flags an HTML page served where JSON was expected', async () => {
    stubFetch(new Response('<!doctype html><title>Emmaus</title>', { status: 200, headers: { 'content-type': 'text/html' } }));
    expect(await fetchHealth()).toMatchObject({ ok: false, failure: { kind: 'invalid' } });
  });

  it('flags JSON that is not a health report', async () => {
    stubFetch(jsonResponse({ hello: 'world' }));
    expect(await fetchHealth()).toMatchObject({ ok: false, failure: { kind: 'invalid', status: 200 } });
  });

  it('reports a bare HTTP error without a problem body', async () => {
    stubFetch(new Response('upstream timed out', { status: 504, statusText: 'Gateway Timeout' }));
    expect(await fetchHealth()).toEqual({
      ok: false,
      failure: { kind: 'http', status: 504, statusText: 'Gateway Timeout', requestId: null },
    });
  });

  it('takes the request id from the x-request-id header when the body has none', async () => {
    stubFetch(
      new Response(JSON.stringify({ type: 'about:blank', title: 'Oops', status: 500 }), {
        status: 500,
        headers: { 'content-type': 'application/problem+json', 'x-request-id': '01M80AX82GQ1' },
      }),
      new Response('bad gateway', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': '01M80AX9' } }),
    );
    expect(await fetchHealth()).toMatchObject({ failure: { kind: 'problem', problem: { request_id: '01M80AX82GQ1' } } });
    expect(await fetchHealth()).toMatchObject({ failure: { kind: 'http', requestId: '01M80AX9' } });
  });
});
