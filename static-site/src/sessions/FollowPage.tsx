// What participants see: a session followed read-only, the block being presented shown large with the outline beside
// it. Two pages show it. `/follow#token=…` is a private link's page, for anyone the facilitator gave the address to
// (signed in only when the link asks for it); it asks the server every few seconds where the session is, so it moves
// with the facilitator. `/sessions/:id/screen` is the participants' screen present mode opens beside itself (a
// projector, a second monitor): it follows present mode through the browser, with no server in between.
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Loading } from '../components/States';
import { Link, currentLocation, useHashParams } from '../router';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useDocumentTitle } from '../useDocumentTitle';
import { BlockContent, useKindLabel } from './BlockContent';
import { useFollowed, screenChannel, type Followed, type ScreenMessage } from './links';
import { blockName, draftOf } from './outline';
import type { Block } from './queries';

/** The session as participants follow it: the block shown now, large, then the outline with that block marked. */
function Participants({ title, when, blocks, current, body }: { title: string; when?: string; blocks: readonly Block[]; current: string | null; body: (block: Block) => ReactNode }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const shown = blocks.find((block) => block.id === current);
  return (
    <article className="page follow">
      <h1 tabIndex={-1} dir="auto">
        {title}
      </h1>
      {when && <p className="lede">{when}</p>}
      <section className="follow__now" aria-labelledby="follow-now" aria-live="polite">
        <h2 id="follow-now" className="visually-hidden">
          {t('sessions.follow.now')}
        </h2>
        {shown ? (
          <div className={`present__block present__block--${shown.kind}`}>{body(shown)}</div>
        ) : (
          <p className="muted">{t('sessions.follow.waiting')}</p>
        )}
      </section>
      <section aria-labelledby="follow-outline">
        <h2 id="follow-outline">{t('sessions.follow.outline')}</h2>
        {blocks.length === 0 ? (
          <p className="empty">{t('sessions.follow.empty')}</p>
        ) : (
          <ol className="follow__outline" aria-labelledby="follow-outline">
            {blocks.map((block) => (
              <li key={block.id} className={block.nested ? 'follow__nested' : undefined} aria-current={block.id === current ? 'step' : undefined}>
                <span dir="auto">{blockName(draftOf(block), kindLabel(block.kind), block.embed?.card?.title)}</span>
                {block.minutes > 0 && <span className="muted"> · {t('sessions.minutes', { count: block.minutes })}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

function whenOf(followed: Followed): string {
  return followed.time ? `${followed.date} ${followed.time} (${followed.zone})` : followed.date;
}

/** `/follow#token=…`: a private link's page. */
export function FollowRoute() {
  const { t } = useTranslation();
  const token = useHashParams().get('token') ?? '';
  const followed = useFollowed(token);
  useDocumentTitle(followed.data ? t('sessions.follow.documentTitle', { title: followed.data.title }) : t('sessions.follow.title'));
  if (!token) return <Ended title={t('sessions.follow.noToken')} text={t('sessions.follow.noTokenText')} />;
  if (followed.error instanceof ApiError) {
    if (followed.error.status === 401) {
      const back = encodeURIComponent(`${currentLocation()}#token=${token}`);
      return (
        <Ended title={t('sessions.follow.signInTitle')} text={t('sessions.follow.signInText')}>
          <p>
            <Link className="button" to={`/sign-in?return_to=${back}`}>
              {t('sessions.follow.signIn')}
            </Link>
          </p>
        </Ended>
      );
    }
    if (followed.error.status === 404) return <Ended title={t('sessions.follow.goneTitle')} text={t('sessions.follow.goneText')} />;
    return <Ended title={t('sessions.follow.failed')} text={followed.error.message} />;
  }
  if (!followed.data) {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t('sessions.follow.title')}</h1>
        <Loading label={t('sessions.follow.loading')} lines={6} />
      </article>
    );
  }
  const session = followed.data;
  return (
    <>
      <Participants
        title={session.title}
        when={whenOf(session)}
        blocks={session.blocks}
        current={session.presenting?.block_id ?? null}
        body={(block) => <BlockContent orgId="" block={block} level={2} html={session.rendered[block.id] ?? ''} />}
      />
      <p className="muted follow__expires">{t('sessions.follow.expires', { when: formatDateTime(Date.parse(session.expires_at)) })}</p>
    </>
  );
}

function Ended({ title, text, children }: { title: string; text: string; children?: ReactNode }) {
  return (
    <article className="page">
      <h1 tabIndex={-1}>{title}</h1>
      <p className="notice" role="alert">
        {text}
      </p>
      {children}
    </article>
  );
}

const screenRoute = getRouteApi('/signed-in/sessions/$session/screen');

/** `/sessions/:id/screen`: the participants' screen beside present mode, fed by it through the browser. */
export function ScreenRoute() {
  const { t } = useTranslation();
  const { currentOrg } = useSession();
  const { session: id } = screenRoute.useParams();
  const [shown, setShown] = useState<ScreenMessage | null>(null);
  useDocumentTitle(shown ? t('sessions.follow.documentTitle', { title: shown.title }) : t('sessions.screen.title'));
  useEffect(() => {
    const channel = screenChannel(id);
    if (!channel) return;
    channel.onmessage = (event: MessageEvent<ScreenMessage | 'hello'>) => {
      if (event.data !== 'hello') setShown(event.data);
    };
    // Present mode answers with where it is, so a screen opened (or reloaded) mid-session catches up at once.
    channel.postMessage('hello');
    return () => channel.close();
  }, [id]);
  if (!currentOrg) return null;
  if (!shown) {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t('sessions.screen.title')}</h1>
        <p className="muted">{t('sessions.screen.waiting')}</p>
      </article>
    );
  }
  return (
    <Participants
      title={shown.title}
      blocks={shown.blocks}
      current={shown.current}
      body={(block) => <BlockContent orgId={currentOrg.id} block={block} level={2} />}
    />
  );
}
