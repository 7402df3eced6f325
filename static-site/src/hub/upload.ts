// Uploading one file to the library: announce it (the server checks the quota and answers where its bytes go), send
// the bytes with progress (straight to the store through a signed form, or through the hub's upload route), and finish
// (the server judges the bytes). XMLHttpRequest is used for the bytes because fetch reports no upload progress.
import { api } from '../api/client';
import { data } from '../api/query';
import type { components } from '../api/schema';
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from '../api/session-middleware';
import type { Detail, Visibility } from './queries';

export type Storage = components['schemas']['StorageView'];

/** Where one file's upload stands, as the list shows it. */
export type Phase = 'waiting' | 'sending' | 'checking' | 'done' | 'held' | 'failed';

/** An announced file: the resource made for it and where its bytes go. */
export type Announced = Awaited<ReturnType<typeof announce>>;
export type UploadTarget = Announced['upload'];

/** A failure to send or judge a file, with the message to show. */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Whether sending again may help (a lost connection, an expired session); a refusal of the file itself never will. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Announces `file`; the answer names the resource made for it and where its bytes go. */
export async function announce(org: string, file: File, visibility: Visibility | undefined) {
  return data(
    api.POST('/api/hub/{org}/uploads', {
      params: { path: { org } },
      body: { name: file.name, size: file.size, content_type: file.type, visibility: visibility ?? null },
    }),
  );
}

/** The message of a problem+json body, else the status line. */
function problemMessage(xhr: XMLHttpRequest): string {
  try {
    const problem = JSON.parse(xhr.responseText) as { detail?: string; title?: string };
    if (problem.detail || problem.title) return problem.detail ?? problem.title ?? '';
  } catch {
    // Not JSON: S3 answers errors in XML, which says nothing a person can act on.
  }
  return xhr.statusText || `HTTP ${xhr.status}`;
}

/**
 * Sends the bytes of an announced file, reporting `(sent, total)` as they go. Answers the file as judged when the hub's
 * route took them (it judges at once), or `null` when they went to the store, which must then be finished.
 */
export function send<Answer = Detail>(
  upload: Pick<UploadTarget, 'method' | 'url' | 'fields'>,
  file: File,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Answer | null> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    let body: XMLHttpRequestBodyInit = file;
    if (upload.method === 'POST') {
      // The signed form: its fields in order, then the file; no cookie goes to the store.
      const form = new FormData();
      for (const [name = '', value = ''] of upload.fields) form.append(name, value);
      form.append('file', file);
      body = form;
    } else {
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      const token = readCookie(CSRF_COOKIE);
      if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve(upload.method === 'PUT' ? (JSON.parse(xhr.responseText) as Answer) : null);
      } else {
        // 401: the session ran out while sending; 5xx and 408/429: the server or store may take it later.
        const retryable = xhr.status === 401 || xhr.status === 408 || xhr.status === 429 || xhr.status >= 500;
        reject(new UploadError(problemMessage(xhr), xhr.status, retryable));
      }
    };
    xhr.onerror = () => reject(new UploadError('', 0, true));
    xhr.onabort = () => reject(new UploadError('', 0, true));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/** Asks the server to judge bytes that went straight to the store. */
export async function finish(org: string, id: string): Promise<Detail> {
  return data<Detail>(api.POST('/api/hub/{org}/uploads/{resource}/finish', { params: { path: { org, resource: id } } }));
}

/** The phase a judged file ends in. */
export function outcome(detail: Detail): Phase {
  return detail.file?.state === 'quarantined' ? 'held' : 'done';
}

/** Whether a target still takes bytes at `now` (Unix milliseconds), with a minute to spare for the sending. */
export function stillOpen(upload: UploadTarget, now: number): boolean {
  return upload.expires_at - 60_000 > now;
}

/** `1.4 MB`: bytes for people, in decimal units as file managers show them. */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
