// The conversation on a goal, a study item or a task of a person's plan: everyone who may open the plan reads it and
// writes in it (the person, their mentors, their group's pastor). Its toggle says how many comments there are and how
// many are new from one list of threads read once per plan, never a request per goal, item or task. Opened, the thread
// is read and, once shown, marked read, so the counts drop. The author changes a comment for a short while after writing
// it (at the version read) and deletes it any time.
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode, type Ref } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Empty, Loading } from '../components/States';
import { submitError, type SubmitError } from '../forms';
import { preferences } from '../i18n';
import { confirm } from '../kit/toasts';
import { formatDateTime } from '../time';
import {
  addComment,
  deleteComment,
  editComment,
  markThreadRead,
  plannerKeys,
  threadChanged,
  threadRead,
  useComments,
  useThreads,
  type Comment,
  type CommentList,
} from './queries';

/** What the server takes for a comment. */
export const COMMENT_MAX = 4000;

/** The thread of a goal, a study item or a task. */
export const threadOf = (kind: 'goal' | 'item' | 'task', id: string) => `${kind}-${id}`;

/** Where a conversation is: whose plan, which thread, and what it is about (the goal's, item's or task's title). */
export interface ThreadProps {
  readonly orgId: string;
  readonly personId: string;
  readonly thread: string;
  readonly subject: string;
}

/** A conversation opened and closed in place, right under what it is about. */
export function Conversation({ headingLevel = 4, ...props }: ThreadProps & { headingLevel?: 3 | 4 }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="conversation">
      <ConversationToggle {...props} open={open} controls={id} onToggle={() => setOpen((was) => !was)} />
      {open && <ConversationPanel {...props} id={id} headingLevel={headingLevel} />}
    </div>
  );
}

/** How many comments a thread has and how many of them the viewer has not read, from the plan's list of threads. */
export function useThreadCounts(orgId: string, personId: string, thread: string): { count: number; unread: number } {
  const threads = useThreads(orgId, personId);
  const summary = threads.data?.threads.find((t) => t.thread === thread);
  return { count: summary?.count ?? 0, unread: summary?.unread ?? 0 };
}

/** "Comments (3, 1 new)": the button that opens and closes a conversation, named for what it is about. */
export function ConversationToggle({
  orgId,
  personId,
  thread,
  subject,
  open,
  controls,
  onToggle,
}: ThreadProps & { open: boolean; controls: string; onToggle: () => void }) {
  const { t } = useTranslation();
  const { count, unread } = useThreadCounts(orgId, personId, thread);
  const text =
    count === 0 ? t('planner.comments.toggle') : unread > 0 ? t('planner.comments.toggleNew', { count, unread }) : t('planner.comments.toggleCount', { count });
  return (
    <Button
      className={`button button--small button--secondary conversation__toggle${unread > 0 ? ' conversation__toggle--unread' : ''}`}
      aria-expanded={open}
      aria-controls={open ? controls : undefined}
      onPress={onToggle}
    >
      {/* The visible words come first, so what is seen is what is said. */}
      {text} <span className="visually-hidden">{t('planner.comments.on', { title: subject })}</span>
    </Button>
  );
}

/** The thread's comments, oldest first, and the form to add one. */
export function ConversationPanel({ orgId, personId, thread, subject, id, headingLevel }: ThreadProps & { id: string; headingLevel: 3 | 4 }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const comments = useComments(orgId, personId, thread, true);
  const { unread } = useThreadCounts(orgId, personId, thread);
  const list = comments.data?.comments ?? [];
  const newest = list.at(-1)?.id;
  const marked = useRef<string | null>(null);
  const [stale, setStale] = useState(false);
  const headingId = `${id}-heading`;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';

  // Once the comments are on screen, the thread is read up to its newest: marked so, once per newest comment.
  useEffect(() => {
    if (!newest || unread === 0 || marked.current === newest) return;
    marked.current = newest;
    void markThreadRead(orgId, personId, thread).then((result) => (result.ok ? threadRead(client, orgId, personId) : undefined));
  }, [client, newest, orgId, personId, thread, unread]);

  const reload = async () => {
    setStale(false);
    await client.invalidateQueries({ queryKey: plannerKeys.comments(orgId, personId, thread) });
  };

  return (
    <section className="conversation__panel" id={id} aria-labelledby={headingId}>
      <Heading id={headingId}>{t('planner.comments.heading', { title: subject })}</Heading>
      {comments.error instanceof ApiError && (
        <p className="field__error" role="alert">
          {comments.error.message}
        </p>
      )}
      {!comments.data && !comments.error && <Loading />}
      {comments.data && list.length === 0 && <Empty>{t('planner.comments.empty')}</Empty>}
      {stale && (
        <div className="notice" role="alert">
          <p>{t('planner.comments.stale')}</p>
          <button type="button" className="button button--secondary" onClick={() => void reload()}>
            {t('planner.comments.reload')}
          </button>
        </div>
      )}
      {list.length > 0 && (
        <ol className="conversation__comments" aria-labelledby={headingId}>
          {list.map((comment) => (
            <li key={comment.id}>
              <CommentItem thread={{ orgId, personId, thread, subject }} comment={comment} onStale={() => setStale(true)} />
            </li>
          ))}
        </ol>
      )}
      <NewComment thread={{ orgId, personId, thread, subject }} />
    </section>
  );
}

/** Re-renders when `until` (ms) passes, so what may be done until then is no longer offered after. */
function usePassed(until: number, watch: boolean): boolean {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!watch || until <= now) return;
    const wait = until - now;
    // Beyond what a timer holds (about 24 days) nothing is scheduled; the page is read again long before.
    if (wait > 2_147_483_647) return;
    const timer = setTimeout(() => setNow(Date.now()), wait + 50);
    return () => clearTimeout(timer);
  }, [until, now, watch]);
  return now >= until;
}

function CommentItem({ thread, comment, onStale }: { thread: ThreadProps; comment: Comment; onStale: () => void }) {
  const { t } = useTranslation();
  const { orgId, personId } = thread;
  const client = useQueryClient();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const passed = usePassed(Date.parse(comment.editable_until), comment.mine);
  const metaId = `${id}-meta`;
  const author = comment.author_name ?? t('planner.comments.formerMember');

  const remove = async () => {
    setBusy(true);
    setProblem(null);
    const result = await deleteComment(orgId, personId, comment);
    setBusy(false);
    setDeleting(false);
    if (!result.ok) {
      setProblem(submitError(result, []).message);
      return;
    }
    client.setQueryData<CommentList>(plannerKeys.comments(orgId, personId, thread.thread), (old) =>
      old ? { comments: old.comments.filter((c) => c.id !== comment.id) } : old,
    );
    confirm({ text: t('planner.comments.deleted') });
    await threadChanged(client, orgId, personId, thread.thread);
  };

  return (
    <article className="conversation__comment" aria-labelledby={metaId}>
      <p className="conversation__meta" id={metaId}>
        <strong>{author}</strong> · <time dateTime={comment.created_at}>{formatDateTime(Date.parse(comment.created_at))}</time>
        {comment.edited_at && ` · ${t('planner.comments.edited')}`}
      </p>
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {editing ? (
        <EditComment thread={thread} comment={comment} onDone={() => setEditing(false)} onStale={onStale} />
      ) : (
        <div className="prose" dangerouslySetInnerHTML={{ __html: comment.body_html }} />
      )}
      {comment.mine && !editing && !deleting && (
        <>
          {passed && <p className="muted">{t('planner.comments.locked')}</p>}
          <div className="button-row">
            {!passed && (
              <button type="button" className="button button--small button--secondary" aria-describedby={metaId} onClick={() => setEditing(true)}>
                {t('planner.comments.edit')}
              </button>
            )}
            <button type="button" className="button button--small button--secondary" aria-describedby={metaId} onClick={() => setDeleting(true)}>
              {t('planner.comments.delete')}
            </button>
          </div>
        </>
      )}
      {comment.mine && deleting && (
        <div className="planner__confirm" role="group" aria-labelledby={`${id}-confirm`}>
          <p id={`${id}-confirm`}>{t('planner.comments.confirmDelete')}</p>
          <div className="button-row">
            <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => void remove()} autoFocus>
              {t('planner.comments.deleteForGood')}
            </button>
            <button type="button" className="button button--small button--secondary" disabled={busy} onClick={() => setDeleting(false)}>
              {t('planner.comments.keep')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

/** What is wrong with a comment before it is sent, if anything. */
export function commentProblem(text: string, t: TFunction): string | null {
  if (!text.trim()) return t('planner.comments.errors.blank');
  if (text.length > COMMENT_MAX) {
    return t('planner.comments.errors.long', { max: new Intl.NumberFormat(preferences().locale).format(COMMENT_MAX), length: text.length });
  }
  return null;
}

function NewComment({ thread }: { thread: ThreadProps }) {
  const { t } = useTranslation();
  const { orgId, personId } = thread;
  const client = useQueryClient();
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<SubmitError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const wrong = commentProblem(text, t);
    setInvalid(wrong);
    if (wrong) {
      field.current?.focus();
      return;
    }
    setBusy(true);
    const result = await addComment(orgId, personId, thread.thread, text);
    setBusy(false);
    if (!result.ok) {
      const failed = submitError(result, ['body']);
      setError(failed);
      if (failed.fields.byField.body) field.current?.focus();
      return;
    }
    client.setQueryData<CommentList>(plannerKeys.comments(orgId, personId, thread.thread), (old) =>
      old ? { comments: [...old.comments.filter((c) => c.id !== result.data.id), result.data] } : old,
    );
    setText('');
    confirm({ text: t('planner.comments.added') });
    await threadChanged(client, orgId, personId, thread.thread);
  };

  const fieldError = invalid ?? error?.fields.byField.body;
  return (
    <form className="form conversation__form" onSubmit={(event) => void submit(event)} noValidate>
      <TextArea
        id={`${id}-body`}
        ref={field}
        label={t('planner.comments.field')}
        hint={t('planner.comments.hint')}
        value={text}
        onChange={(value) => {
          setText(value);
          setInvalid(null);
        }}
        error={fieldError}
      />
      <FormProblem error={error} />
      <div className="button-row">
        <button type="submit" className="button button--small" disabled={busy}>
          {t('planner.comments.send')}
        </button>
      </div>
    </form>
  );
}

function EditComment({ thread, comment, onDone, onStale }: { thread: ThreadProps; comment: Comment; onDone: () => void; onStale: () => void }) {
  const { t } = useTranslation();
  const { orgId, personId } = thread;
  const client = useQueryClient();
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(comment.body);
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<SubmitError | null>(null);

  // Saved again after a reload, it names the version now read: `comment` is always the one on screen.
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const wrong = commentProblem(text, t);
    setInvalid(wrong);
    if (wrong) {
      field.current?.focus();
      return;
    }
    setBusy(true);
    const result = await editComment(orgId, personId, comment, text);
    setBusy(false);
    if (!result.ok) {
      if (result.status === 412) onStale();
      else setError(submitError(result, ['body']));
      return;
    }
    client.setQueryData<CommentList>(plannerKeys.comments(orgId, personId, thread.thread), (old) =>
      old ? { comments: old.comments.map((c) => (c.id === result.data.id ? result.data : c)) } : old,
    );
    confirm({ text: t('planner.comments.saved') });
    onDone();
    await threadChanged(client, orgId, personId, thread.thread);
  };

  return (
    <form className="form conversation__form" onSubmit={(event) => void submit(event)} noValidate aria-label={t('planner.comments.editTitle')}>
      <TextArea
        id={`${id}-body`}
        ref={field}
        label={t('planner.comments.editField')}
        hint={t('planner.comments.hint')}
        value={text}
        onChange={(value) => {
          setText(value);
          setInvalid(null);
        }}
        error={invalid ?? error?.fields.byField.body}
      />
      <FormProblem error={error} />
      <div className="button-row">
        <button type="submit" className="button button--small" disabled={busy}>
          {t('planner.comments.save')}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A failure not tied to the field: the server's own words (a 409 says why the comment can no longer change). */
function FormProblem({ error }: { error: SubmitError | null }) {
  if (!error || (Object.keys(error.fields.byField).length > 0 && error.fields.other.length === 0)) return null;
  return (
    <p className="field__error" role="alert">
      {error.fields.other.length > 0 ? error.fields.other.join('; ') : error.message}
    </p>
  );
}

/** A labelled textarea with its hint and error tied to it for screen readers. */
function TextArea({
  id,
  ref,
  label,
  hint,
  value,
  onChange,
  error,
}: {
  id: string;
  ref: Ref<HTMLTextAreaElement>;
  label: ReactNode;
  hint: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | null | undefined;
}) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <span className="field__hint" id={`${id}-hint`}>
        {hint}
      </span>
      <textarea
        id={id}
        ref={ref}
        rows={3}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span className="field__error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}
