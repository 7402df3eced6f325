// Present mode: the facilitator's view while a session is held, one block at a time, large, with what comes next, the
// time since presenting began against the plan, and for an activity a countdown of its minutes. It fills the screen
// where the browser allows (the Fullscreen API). From the keyboard: ← and → (or Page Up and Page Down) go back and on,
// Home and End to the first and last block, Space starts and pauses an activity's timer, Esc leaves. Time is read
// from a clock (clock.ts), so tests move it on exactly.
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/query';
import { Loading } from '../components/States';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../useDocumentTitle';
import { BlockContent, useKindLabel } from './BlockContent';
import { formatSpan, useClock, useNow, type Clock } from './clock';
import { presentBlock, screenChannel, type ScreenMessage } from './links';
import { blockName, draftOf } from './outline';
import { useSessionDoc, type Block, type Session } from './queries';

const route = getRouteApi('/signed-in/sessions/$session/present');

export function PresentRoute() {
  const { currentOrg, state } = useSession();
  const { session: id } = route.useParams();
  if (!currentOrg || state.status !== 'signed-in') return null;
  return <PresentLoader orgId={currentOrg.id} id={id} />;
}

function PresentLoader({ orgId, id }: { orgId: string; id: string }) {
  const { t } = useTranslation();
  const query = useSessionDoc(orgId, id);
  const clock = useClock();
  if (query.error instanceof ApiError) {
    const missing = query.error.status === 404 || query.error.status === 403;
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t(missing ? 'sessions.composer.notFound' : 'sessions.composer.failed')}</h1>
        <p className="notice notice--error" role="alert">
          {missing ? t('sessions.composer.notFoundDetail') : query.error.message}
        </p>
        <p>
          <Link to="/sessions">{t('sessions.composer.back')}</Link>
        </p>
      </article>
    );
  }
  if (!query.data) {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{t('sessions.present.title')}</h1>
        <Loading label={t('sessions.composer.loading')} lines={6} />
      </article>
    );
  }
  return <PresentView orgId={orgId} session={query.data} clock={clock} onLeave={() => navigate(`/sessions/${id}`)} />;
}

/** An activity's timer: how long it has run before, and since when it runs now (null while paused). */
interface Timer {
  readonly ran: number;
  readonly since: number | null;
}

const STOPPED: Timer = { ran: 0, since: null };

function ranFor(timer: Timer, now: number): number {
  return timer.ran + (timer.since === null ? 0 : now - timer.since);
}

/** Whether a key pressed on `target` belongs to it (typing, pressing a button) rather than to present mode. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('input, textarea, select, [role="listbox"], [role="menu"]')) return true;
  return key === ' ' && target.closest('button, a, [role="button"]') !== null;
}

export function PresentView({ orgId, session, clock, onLeave }: { orgId: string; session: Session; clock: Clock; onLeave: () => void }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const blocks = session.blocks;
  const [index, setIndex] = useState(0);
  const [timers, setTimers] = useState<Readonly<Record<string, Timer>>>({});
  const [startedAt] = useState(() => clock.now());
  const running = Object.values(timers).some((timer) => timer.since !== null);
  const now = useNow(clock, true, running ? 250 : 1000);
  const root = useRef<HTMLDivElement>(null);
  const [fullscreen, setFullscreen] = useState(() => typeof document !== 'undefined' && document.fullscreenElement !== null);
  const canFullscreen = typeof document !== 'undefined' && document.fullscreenEnabled === true;
  useDocumentTitle(t('sessions.present.documentTitle', { title: session.title }));

  const at = Math.min(index, Math.max(0, blocks.length - 1));
  const block: Block | undefined = blocks[at];
  const next = blocks[at + 1];
  const timer = block ? (timers[block.id] ?? STOPPED) : STOPPED;
  const nameOf = (b: Block) => blockName(draftOf(b), kindLabel(b.kind), b.embed?.card?.title);

  const go = (to: number) => setIndex(Math.max(0, Math.min(blocks.length - 1, to)));
  useFollowers(orgId, session, block?.id ?? null);
  const toggleTimer = () => {
    if (!block || block.kind !== 'activity') return;
    const current = clock.now();
    setTimers((was) => {
      const old = was[block.id] ?? STOPPED;
      return { ...was, [block.id]: old.since === null ? { ran: old.ran, since: current } : { ran: ranFor(old, current), since: null } };
    });
  };
  const resetTimer = () => block && setTimers((was) => ({ ...was, [block.id]: STOPPED }));
  const leave = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    onLeave();
  };
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void root.current?.requestFullscreen().catch(() => {});
  };

  useEffect(() => {
    root.current?.focus();
  }, []);
  useEffect(() => {
    const changed = () => setFullscreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', changed);
    return () => document.removeEventListener('fullscreenchange', changed);
  }, []);

  // The keys work wherever focus is on the page, except in what takes them itself.
  const keys = useRef<(event: globalThis.KeyboardEvent) => void>(() => {});
  keys.current = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || ownsKey(event.target, event.key)) return;
    const handled = (() => {
      switch (event.key) {
        case 'ArrowRight':
        case 'PageDown':
          go(at + 1);
          return true;
        case 'ArrowLeft':
        case 'PageUp':
          go(at - 1);
          return true;
        case 'Home':
          go(0);
          return true;
        case 'End':
          go(blocks.length - 1);
          return true;
        case ' ':
          toggleTimer();
          return block?.kind === 'activity';
        case 'Escape':
          leave();
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  };
  useEffect(() => {
    const listen = (event: globalThis.KeyboardEvent) => keys.current(event);
    document.addEventListener('keydown', listen);
    return () => document.removeEventListener('keydown', listen);
  }, []);

  const elapsed = now - startedAt;
  const plannedTotal = session.planned_minutes ?? session.total_minutes;
  const plannedStart = blocks.slice(0, at).reduce((sum, b) => sum + b.minutes, 0);
  const elapsedMinutes = elapsed / 60_000;
  const behind = block ? elapsedMinutes - (plannedStart + block.minutes) : 0;
  const pace =
    !block || plannedTotal === 0
      ? null
      : behind >= 1
        ? t('sessions.present.behind', { count: Math.floor(behind) })
        : plannedStart - elapsedMinutes >= 1
          ? t('sessions.present.ahead', { count: Math.floor(plannedStart - elapsedMinutes) })
          : t('sessions.present.onTime');

  const ran = ranFor(timer, now);
  const left = block ? block.minutes * 60_000 - ran : 0;

  return (
    <div className="present" ref={root} tabIndex={-1} aria-labelledby="present-title">
      <header className="present__bar">
        <h1 id="present-title" className="present__title" dir="auto">
          {session.title}
        </h1>
        <p className="present__clock" aria-label={t('sessions.present.elapsedLabel', { elapsed: formatSpan(elapsed), planned: plannedTotal })}>
          <span className="present__elapsed">{formatSpan(elapsed)}</span> <span className="muted">{t('sessions.present.ofPlanned', { count: plannedTotal })}</span>
          {pace && <span className="present__pace"> · {pace}</span>}
        </p>
        <div className="button-row">
          {canFullscreen && (
            <Button className="button button--small button--secondary" onPress={toggleFullscreen}>
              {t(fullscreen ? 'sessions.present.exitFullscreen' : 'sessions.present.fullscreen')}
            </Button>
          )}
          <Button
            className="button button--small button--secondary"
            onPress={() => window.open(`/sessions/${encodeURIComponent(session.id)}/screen`, `emmaus-screen-${session.id}`, 'popup')}
          >
            {t('sessions.present.screen')}
          </Button>
          <Button className="button button--small button--secondary" onPress={leave} aria-keyshortcuts="Escape">
            {t('sessions.present.leave')}
          </Button>
        </div>
      </header>

      {!block ? (
        <p className="empty">{t('sessions.present.empty')}</p>
      ) : (
        <>
          <p className="present__position" aria-live="polite">
            {t('sessions.present.position', { position: at + 1, count: blocks.length, kind: kindLabel(block.kind), name: nameOf(block) })}
          </p>
          <section className={`present__block present__block--${block.kind}`} aria-label={t('sessions.present.current')}>
            <BlockContent orgId={orgId} block={block} level={2} />
            {block.kind === 'heading' && <SectionSummary blocks={blocks} at={at} />}
            {block.kind === 'activity' && block.minutes > 0 && (
              <div className="present__timer" role="group" aria-label={t('sessions.present.timer')}>
                <p className={`present__countdown${left <= 0 ? ' present__countdown--done' : ''}`} aria-live={left <= 0 ? 'assertive' : 'off'}>
                  {left > 0 ? formatSpan(left) : t('sessions.present.timeUp', { over: formatSpan(-left) })}
                </p>
                <p className="muted">{t('sessions.present.timerOf', { count: block.minutes })}</p>
                <div className="button-row">
                  <Button className="button" preventFocusOnPress onPress={toggleTimer} aria-keyshortcuts="Space">
                    {t(timer.since !== null ? 'sessions.present.pause' : ran > 0 ? 'sessions.present.resume' : 'sessions.present.start')}
                  </Button>
                  <Button className="button button--secondary" preventFocusOnPress isDisabled={ran === 0} onPress={resetTimer}>
                    {t('sessions.present.reset')}
                  </Button>
                </div>
              </div>
            )}
            <p className="muted">
              {t('sessions.present.plannedAt', { start: formatSpan(plannedStart * 60_000), end: formatSpan((plannedStart + block.minutes) * 60_000) })}
            </p>
          </section>
          <footer className="present__footer">
            <Button className="button button--secondary" preventFocusOnPress isDisabled={at === 0} onPress={() => go(at - 1)} aria-keyshortcuts="ArrowLeft">
              ← {t('sessions.present.previous')}
            </Button>
            <p className="present__next">
              {next
                ? t('sessions.present.next', { kind: kindLabel(next.kind), name: nameOf(next), minutes: next.minutes })
                : t('sessions.present.last')}
            </p>
            <Button className="button" preventFocusOnPress isDisabled={!next} onPress={() => go(at + 1)} aria-keyshortcuts="ArrowRight">
              {t('sessions.present.nextButton')} →
            </Button>
          </footer>
          <p className="muted present__keys">{t('sessions.present.keys')}</p>
        </>
      )}
    </div>
  );
}

/**
 * Tells those following where the session is: a participants' screen beside present mode (through the browser), and,
 * for a facilitator, those following by a private link (through the server, a moment after each move, and that
 * presenting ended when present mode closes).
 */
function useFollowers(orgId: string, session: Session, current: string | null) {
  const latest = useRef<ScreenMessage>({ title: session.title, blocks: session.blocks, current });
  latest.current = { title: session.title, blocks: session.blocks, current };
  const channel = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    const opened = screenChannel(session.id);
    channel.current = opened;
    if (!opened) return;
    opened.onmessage = (event: MessageEvent) => {
      if (event.data === 'hello') opened.postMessage(latest.current);
    };
    return () => {
      opened.close();
      channel.current = null;
    };
  }, [session.id]);
  useEffect(() => {
    channel.current?.postMessage(latest.current);
  }, [current, session]);
  useEffect(() => {
    if (!session.may_change) return;
    const timer = window.setTimeout(() => void presentBlock(orgId, session.id, current), 250);
    return () => window.clearTimeout(timer);
  }, [orgId, session.id, session.may_change, current]);
  useEffect(() => {
    if (!session.may_change) return;
    return () => void presentBlock(orgId, session.id, null);
  }, [orgId, session.id, session.may_change]);
}

/** Under a heading: how many blocks its section holds and how long they are planned to take. */
function SectionSummary({ blocks, at }: { blocks: readonly Block[]; at: number }) {
  const { t } = useTranslation();
  const section: Block[] = [];
  for (const block of blocks.slice(at + 1)) {
    if (!block.nested) break;
    section.push(block);
  }
  if (section.length === 0) return null;
  const minutes = section.reduce((sum, b) => sum + b.minutes, 0);
  return <p className="muted">{t('sessions.present.section', { count: section.length, minutes })}</p>;
}
