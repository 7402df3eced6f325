// The dev outbox: email held instead of sent (no mail service configured), with its links clickable.
import { Fragment, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call, failureMessage } from '../api/call';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { FailureNotice } from '../components/FailureNotice';
import { Empty, Loading } from '../components/States';
import { formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { useResource } from '../useResource';

type Message = components['schemas']['HeldMessage'];

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Splits text into strings and links; trailing punctuation stays text ("…this link." must not swallow the dot). */
export function linkify(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)]+$/, '');
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push(
      <a key={`${start}-${url}`} href={url}>
        {url}
      </a>,
    );
    last = start + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function MessageCard({ message }: { message: Message }) {
  return (
    <li className="card mail">
      <h2>{message.subject}</h2>
      <p className="muted">
        <Trans
          i18nKey="outbox.sentTo"
          values={{ to: message.to, at: formatDateTime(message.sent_at) }}
          components={{ strong: <strong />, time: <time dateTime={new Date(message.sent_at).toISOString()} /> }}
        />
      </p>
      <pre className="mail__text">
        {linkify(message.text).map((part, i) => (
          <Fragment key={i}>{part}</Fragment>
        ))}
      </pre>
    </li>
  );
}

export function OutboxPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('outbox.title'));
  const first = useResource(['outbox'], () => call(api.GET('/api/auth/outbox')));
  const [older, setOlder] = useState<{ messages: Message[]; next: string | null | undefined }>({ messages: [], next: undefined });
  const [moreError, setMoreError] = useState<string | null>(null);

  const messages = first.result?.ok ? [...first.result.data.messages, ...older.messages] : [];
  const next = older.next === undefined ? (first.result?.ok ? first.result.data.next : null) : older.next;

  const loadMore = async () => {
    if (!next) return;
    const result = await call(api.GET('/api/auth/outbox', { params: { query: { cursor: next } } }));
    if (result.ok) setOlder((p) => ({ messages: [...p.messages, ...result.data.messages], next: result.data.next ?? null }));
    else setMoreError(failureMessage(result.failure));
  };

  let content;
  if (first.result === null) content = <Loading label={t('outbox.loading')} />;
  else if (!first.result.ok) {
    content =
      first.result.status === 404 ? (
        <p className="notice">{t('outbox.sendsForReal')}</p>
      ) : (
        <FailureNotice heading={t('outbox.loadFailed')} failure={first.result.failure} />
      );
  } else if (messages.length === 0) content = <Empty>{t('outbox.empty')}</Empty>;
  else {
    content = (
      <>
        <ul className="plain-list">
          {messages.map((m) => (
            <MessageCard key={m.id} message={m} />
          ))}
        </ul>
        {moreError && (
          <p className="field__error" role="alert">
            {moreError}
          </p>
        )}
        {next && (
          <button type="button" className="button button--secondary" onClick={() => void loadMore()}>
            {t('outbox.older')}
          </button>
        )}
      </>
    );
  }

  return (
    <article className="page">
      <h1 tabIndex={-1}>{t('outbox.title')}</h1>
      <p className="lede">{t('outbox.lede')}</p>
      <div className="toolbar">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setOlder({ messages: [], next: undefined });
            first.reload();
          }}
        >
          {t('outbox.refresh')}
        </button>
      </div>
      {content}
    </article>
  );
}
