// Unit tests for problem+json detection and the wording of API failures.
import { describe, expect, it } from 'vitest';
import { describeFailure, isProblemResponse, toProblem } from './failure';

describe('isProblemResponse', () => {
  it('recognises application/problem+json with parameters and any case', () => {
    const response = new Response('{}', { headers: { 'content-type': 'Application/Problem+JSON; charset=utf-8' } });
    expect(isProblemResponse(response)).toBe(true);
  });

  it('does not treat plain JSON as a problem', () => {
    expect(isProblemResponse(new Response('{}', { headers: { 'content-type': 'application/json' } }))).toBe(false);
  });
});

describe('toProblem', () => {
  it('keeps every RFC 9457 member the server sent', () => {
    const problem = toProblem(
      {
        type: 'https://emmaus.example/problems/storage',
        title: 'Storage unavailable',
        status: 500,
        detail: 'The key-value store did not answer.',
        instance: '/api/health',
        request_id: 'req-01HZX',
      },
      500,
    );
    expect(problem).toEqual({
      type: 'https://emmaus.example/problems/storage',
      title: 'Storage unavailable',
      status: 500,
      detail: 'The key-value store did not answer.',
      instance: '/api/health',
      request_id: 'req-01HZX',
    });
  });

  it('falls back to the HTTP status when the body is not an object', () => {
    expect(toProblem('<html>oops</html>', 502)).toEqual({
      type: 'about:blank',
      title: 'Request failed with HTTP 502',
      status: 502,
      detail: null,
      instance: null,
      request_id: null,
    });
  });
});

describe('describeFailure', () => {
  it('shows the problem title, detail, status and request id', () => {
    const summary = describeFailure({
      kind: 'problem',
      problem: toProblem({ title: 'Forbidden', status: 403, detail: 'Admins only.', request_id: 'abc-123' }, 403),
    });
    expect(summary).toEqual({ title: 'Forbidden', detail: 'Admins only.', requestId: 'abc-123', status: 403 });
  });

  it('omits a blank detail and request id rather than showing empty text', () => {
    const summary = describeFailure({
      kind: 'problem',
      problem: toProblem({ title: 'Bad request', status: 400, detail: '  ', request_id: '' }, 400),
    });
    expect(summary.detail).toBeNull();
    expect(summary.requestId).toBeNull();
  });

  it('says the server could not be reached on a network failure', () => {
    const summary = describeFailure({ kind: 'network', message: 'Failed to fetch' });
    expect(summary.title).toBe('The server could not be reached');
    expect(summary.detail).toContain('Failed to fetch');
    expect(summary.status).toBeNull();
  });

  it('names the HTTP status of a bare error response', () => {
    const summary = describeFailure({ kind: 'http', status: 502, statusText: 'Bad Gateway', requestId: 'r-9' });
    expect(summary.title).toBe('The server answered with HTTP 502 Bad Gateway');
    expect(summary.requestId).toBe('r-9');
  });
});
