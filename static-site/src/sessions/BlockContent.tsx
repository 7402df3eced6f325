// A block as it is read (a shared session, present mode): its kind, title, passage reference, text and hub resource.
// Markdown is rendered by the hub's renderer on the server, which escapes raw HTML and drops unsafe links, exactly as
// notes are shown; until it answers (or if it cannot), the text shows as it was written, line breaks kept. A resource
// the reader may not see shows as not available, with nothing of it.
import { useTranslation } from 'react-i18next';
import { Link } from '../router';
import { formatDateTime } from '../time';
import type { Block, Card } from './queries';
import { useRendered } from './queries';

export function Markdown({ orgId, text, className }: { orgId: string; text: string; className?: string }) {
  const rendered = useRendered(orgId, text);
  if (!text.trim()) return null;
  if (rendered.data) return <div className={`prose${className ? ` ${className}` : ''}`} dir="auto" dangerouslySetInnerHTML={{ __html: rendered.data.html }} />;
  return (
    <p className={`sessions__plain${className ? ` ${className}` : ''}`} dir="auto">
      {text}
    </p>
  );
}

/** A hub resource as the reader sees it: now, with an excerpt, or as pinned. */
export function ResourceCard({ card, resourceId, pinnedAt }: { card: Card; resourceId?: string | null | undefined; pinnedAt?: string | null | undefined }) {
  const { t } = useTranslation();
  const kind = ['note', 'link', 'file'].includes(card.kind) ? t(`sessions.resource.kinds.${card.kind}`) : card.kind;
  return (
    <div className="sessions__card">
      <p className="sessions__card-kind muted">
        {kind}
        {pinnedAt && ` · ${t('sessions.resource.pinnedAt', { when: formatDateTime(Date.parse(pinnedAt)) })}`}
      </p>
      <p className="sessions__card-title" dir="auto">
        {resourceId ? <Link to={`/hub/${resourceId}`}>{card.title}</Link> : card.title}
      </p>
      {card.description && (
        <p className="sessions__card-description" dir="auto">
          {card.description}
        </p>
      )}
      {card.url && (
        <p>
          <a href={card.url} target="_blank" rel="noopener noreferrer">
            {card.url}
          </a>
        </p>
      )}
      {card.file_name && <p className="muted">{card.file_name}</p>}
      {card.excerpt && (
        <blockquote className="sessions__excerpt" dir="auto">
          {card.excerpt}
        </blockquote>
      )}
    </div>
  );
}

export function Unavailable() {
  const { t } = useTranslation();
  return (
    <div className="sessions__unavailable" role="note">
      <p className="notice__title">{t('sessions.resource.unavailable')}</p>
      <p className="muted">{t('sessions.resource.unavailableHint')}</p>
    </div>
  );
}

/** The kind of a block in words ("Discussion question"). */
export function useKindLabel() {
  const { t } = useTranslation();
  return (kind: Block['kind']) => t(`sessions.kinds.${kind}`);
}

/**
 * A block's content for reading; `level` is the heading level its title takes. `html` is its text already rendered by
 * the server (a private link's page, where nobody may be signed in to ask the hub's renderer).
 */
export function BlockContent({ orgId, block, level = 3, html }: { orgId: string; block: Block; level?: 2 | 3 | 4; html?: string | undefined }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const Heading = `h${level}` as const;
  if (block.kind === 'heading') {
    return (
      <Heading className="sessions__block-heading" dir="auto">
        {block.title}
      </Heading>
    );
  }
  const embed = block.embed;
  return (
    <>
      <p className="sessions__kind">
        {kindLabel(block.kind)}
        {block.minutes > 0 && ` · ${t('sessions.minutes', { count: block.minutes })}`}
      </p>
      {block.title && (
        <Heading className="sessions__block-title" dir="auto">
          {block.title}
        </Heading>
      )}
      {block.kind === 'scripture' && block.reference && (
        <p className="sessions__reference" dir="auto">
          {block.reference}
        </p>
      )}
      {html === undefined ? (
        <Markdown orgId={orgId} text={block.body} />
      ) : (
        html && <div className="prose" dir="auto" dangerouslySetInnerHTML={{ __html: html }} />
      )}
      {block.kind === 'resource' &&
        (embed?.card ? (
          <ResourceCard card={embed.card} resourceId={embed.resource_id} pinnedAt={embed.pinned ? embed.pinned_at : null} />
        ) : embed ? (
          <Unavailable />
        ) : (
          <p className="muted">{t('sessions.resource.none')}</p>
        ))}
    </>
  );
}
