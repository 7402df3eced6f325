// A session's outline as the composer edits it: a React Aria grid list of blocks, each edited in place (its title,
// text, passage reference, minutes; a resource block's hub resource, how it shows and whether it is pinned). Blocks
// are reordered by dragging a row's handle, from the keyboard (Tab to the handle, Enter, the arrow keys, Enter; the
// list announces each step), or with a row's Move up and Move down buttons; a block after a heading may be nested
// under it. Keys from a row's fields stay in the field (the list moves between rows only from a row itself), so
// typing in a block never moves the list.
import { useEffect, useRef, useState } from 'react';
import { Button, GridList, GridListItem, useDragAndDrop } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Field } from '../components/Field';
import { SelectField } from '../kit/SelectField';
import { ResourceCard, Unavailable, useKindLabel } from './BlockContent';
import { HubPicker, MinutesField, TextAreaField, type Chosen } from './fields';
import { blockName, dropIndex, mayNest, moveBlock, removeBlock, replaceBlock, type DraftBlock, type Problems } from './outline';
import { SAVEABLE } from './saved';
import { SaveToHubMenu } from './SavedBlocks';
import { LIMITS, type Session } from './queries';
import type { Known } from './useComposer';

/** A change of the outline; `typing` names the field typed in, so typing on in it is one step for undo. */
export type OutlineChange = (blocks: readonly DraftBlock[], typing?: string) => void;

/** Which of a row's move buttons to give focus to once the row has moved. */
type Refocus = { readonly id: string; readonly control: 'up' | 'down' | 'first' | 'row' };

export function Outline({
  orgId,
  blocks,
  onChange,
  problems,
  server,
  known,
  remember,
  announce,
  focusRequest,
}: {
  orgId: string;
  blocks: readonly DraftBlock[];
  onChange: OutlineChange;
  problems: Problems;
  server: Session;
  known: Known;
  remember: (resourceId: string, card: Chosen['card']) => void;
  announce: (message: string) => void;
  /** A block just added, whose first field takes focus. */
  focusRequest: string | null;
}) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const [refocus, setRefocus] = useState<Refocus | null>(null);
  const nameOf = (block: DraftBlock) => blockName(block, kindLabel(block.kind), block.resourceId ? known.get(block.resourceId)?.title : null);

  // After a move the row is put back in its new place: the control pressed (or the other move button, at an end) gets
  // focus again, so the keyboard stays where it was. A block just added gets focus once, in its first field.
  const focused = useRef<string | null>(null);
  useEffect(() => {
    const added = focusRequest && focused.current !== focusRequest ? focusRequest : null;
    const request = refocus ?? (added ? { id: added, control: 'first' as const } : null);
    if (!request) return;
    const place = blocks.findIndex((b) => b.id === request.id);
    let frame = 0;
    let tries = 0;
    // The list puts its rows in place in a render of its own, after this one: wait (a few frames at most) for the
    // row to be where the outline has it.
    const apply = () => {
      const row = document.querySelector(`[data-block="${request.id}"]`)?.closest('[role="row"]');
      const rows = row?.parentElement ? [...row.parentElement.children].filter((el) => el.getAttribute('role') === 'row') : [];
      if (!row || rows.indexOf(row) !== place) {
        if (tries++ < 20) frame = requestAnimationFrame(apply);
        return;
      }
      const target =
        request.control === 'first'
          ? row.querySelector<HTMLElement>('input, textarea')
          : (row.querySelector<HTMLElement>(`[data-control="${request.control}"]:not([disabled])`) ??
            row.querySelector<HTMLElement>('[data-control="up"]:not([disabled]), [data-control="down"]:not([disabled])'));
      target?.focus();
      if (refocus) setRefocus(null);
      else focused.current = request.id;
    };
    frame = requestAnimationFrame(apply);
    return () => cancelAnimationFrame(frame);
  }, [refocus, focusRequest, blocks]);

  const move = (block: DraftBlock, to: number, control: Refocus['control'] | null) => {
    const next = moveBlock(blocks, block.id, to);
    onChange(next);
    const place = next.findIndex((b) => b.id === block.id);
    announce(t('sessions.outline.moved', { name: nameOf(block), position: place + 1, count: next.length }));
    if (control) setRefocus({ id: block.id, control });
  };

  const { dragAndDropHooks } = useDragAndDrop({
    getItems: (keys) => [...keys].map((key) => ({ 'text/plain': nameOf(blocks.find((b) => b.id === key)!) })),
    onReorder: (event) => {
      const id = String([...event.keys][0]);
      const block = blocks.find((b) => b.id === id);
      if (!block) return;
      move(block, dropIndex(blocks, id, String(event.target.key), event.target.dropPosition), null);
    },
  });

  const change = (block: DraftBlock, field: keyof DraftBlock, value: DraftBlock[keyof DraftBlock], typed = true) =>
    onChange(replaceBlock(blocks, block.id, { [field]: value }), typed ? `${block.id}.${field}` : undefined);

  const problem = (block: DraftBlock, field: string) => problems[`blocks.${block.id}.${field}`];
  const headingOf = (index: number) => {
    for (let i = index - 1; i >= 0; i -= 1) if (blocks[i]!.kind === 'heading') return blocks[i]!;
    return undefined;
  };

  return (
    <GridList
      className="composer__outline"
      aria-label={t('sessions.outline.label')}
      items={blocks}
      dependencies={[blocks, problems, server, known]}
      dragAndDropHooks={dragAndDropHooks}
      // A row holds text fields: Tab moves through them and the keys typed there stay there.
      keyboardNavigationBehavior="tab"
      renderEmptyState={() => <p className="empty">{t('sessions.outline.empty')}</p>}
    >
      {(block) => {
        const index = blocks.findIndex((b) => b.id === block.id);
        const name = nameOf(block);
        const kind = kindLabel(block.kind);
        const under = block.nested ? headingOf(index) : undefined;
        const nestable = mayNest(blocks, index);
        const hidden = server.hidden_from_audience.includes(block.id);
        return (
          <GridListItem
            id={block.id}
            textValue={t('sessions.outline.row', { position: index + 1, kind, name })}
            className={`composer__block composer__block--${block.kind}${block.nested ? ' composer__block--nested' : ''}`}
          >
            <Button slot="drag" className="planner__handle composer__handle" aria-label={t('sessions.outline.drag', { name })}>
              ⠿
            </Button>
            <div className="composer__block-main" data-block={block.id}>
              <p className="composer__block-head">
                <span className="badge">{kind}</span> <span className="muted">{t('sessions.outline.position', { position: index + 1, count: blocks.length })}</span>
                {under && <span className="muted"> · {t('sessions.outline.under', { name: under.title || kindLabel('heading') })}</span>}
              </p>
              {hidden && (
                <p className="composer__flag" role="note">
                  {t('sessions.outline.hiddenFromAudience')}
                </p>
              )}
              <BlockFields
                orgId={orgId}
                block={block}
                server={server}
                known={known}
                problem={(field) => problem(block, field)}
                onText={(field, value) => change(block, field, value)}
                onSet={(fields) => onChange(replaceBlock(blocks, block.id, fields))}
                onChoose={(chosen) => {
                  remember(chosen.id, chosen.card);
                  onChange(replaceBlock(blocks, block.id, { resourceId: chosen.id, pin: false }));
                  announce(t('sessions.outline.resourceChosen', { title: chosen.card.title }));
                }}
              />
              <MinutesField
                className="composer__minutes"
                label={t('sessions.outline.minutes')}
                value={block.minutes}
                max={LIMITS.blockMinutes}
                onChange={(minutes) => change(block, 'minutes', minutes)}
                error={problem(block, 'minutes')}
              />
              {problem(block, 'nested') && <p className="field__error">{problem(block, 'nested')}</p>}
              {problem(block, 'id') && <p className="field__error">{problem(block, 'id')}</p>}
            </div>
            <div className="composer__block-actions">
              <Button
                className="button button--small button--secondary"
                data-control="up"
                isDisabled={index === 0}
                onPress={() => move(block, index - 1, 'up')}
                aria-label={t('sessions.outline.moveUp', { name })}
              >
                ↑ <span aria-hidden="true">{t('sessions.outline.up')}</span>
              </Button>
              <Button
                className="button button--small button--secondary"
                data-control="down"
                isDisabled={index === blocks.length - 1}
                onPress={() => move(block, index + 1, 'down')}
                aria-label={t('sessions.outline.moveDown', { name })}
              >
                ↓ <span aria-hidden="true">{t('sessions.outline.down')}</span>
              </Button>
              {(nestable || block.nested) && (
                <Button
                  className="button button--small button--secondary"
                  onPress={() => {
                    onChange(replaceBlock(blocks, block.id, { nested: !block.nested }));
                    announce(t(block.nested ? 'sessions.outline.unnested' : 'sessions.outline.nestedUnder', { name, heading: headingOf(index)?.title ?? '' }));
                  }}
                  aria-label={t(block.nested ? 'sessions.outline.unnestNamed' : 'sessions.outline.nestNamed', { name })}
                >
                  {t(block.nested ? 'sessions.outline.unnest' : 'sessions.outline.nest')}
                </Button>
              )}
              {SAVEABLE.includes(block.kind) && (block.body.trim() || block.reference.trim()) && <SaveToHubMenu orgId={orgId} block={block} name={name} />}
              <Button
                className="button button--small button--secondary"
                onPress={() => {
                  onChange(removeBlock(blocks, block.id));
                  announce(t('sessions.outline.removed', { name }));
                }}
                aria-label={t('sessions.outline.removeNamed', { name })}
              >
                {t('sessions.outline.remove')}
              </Button>
            </div>
          </GridListItem>
        );
      }}
    </GridList>
  );
}

/** The fields of one block, by its kind. */
function BlockFields({
  orgId,
  block,
  server,
  known,
  problem,
  onText,
  onSet,
  onChoose,
}: {
  orgId: string;
  block: DraftBlock;
  server: Session;
  known: Known;
  problem: (field: string) => string | undefined;
  onText: (field: 'title' | 'body' | 'reference', value: string) => void;
  onSet: (fields: Partial<DraftBlock>) => void;
  onChoose: (chosen: Chosen) => void;
}) {
  const { t } = useTranslation();
  const title = (label: string, required = false) => (
    <Field label={label} value={block.title} onChange={(e) => onText('title', e.target.value)} maxLength={LIMITS.title} required={required} dir="auto" error={problem('title')} />
  );
  const body = (label: string, hint?: string) => (
    <TextAreaField label={label} hint={hint} value={block.body} onChange={(value) => onText('body', value)} maxLength={LIMITS.text} error={problem('body')} rows={block.kind === 'text' ? 4 : 3} />
  );
  switch (block.kind) {
    case 'heading':
      return title(t('sessions.fields.heading'), true);
    case 'text':
      return (
        <>
          {title(t('sessions.fields.blockTitle'))}
          {body(t('sessions.fields.text'), t('sessions.fields.markdownHint'))}
        </>
      );
    case 'scripture':
      return (
        <>
          <Field
            label={t('sessions.fields.reference')}
            value={block.reference}
            onChange={(e) => onText('reference', e.target.value)}
            maxLength={LIMITS.reference}
            placeholder={t('sessions.fields.referencePlaceholder')}
            dir="auto"
            error={problem('reference')}
          />
          {title(t('sessions.fields.blockTitle'))}
          {body(t('sessions.fields.passage'), t('sessions.fields.passageHint'))}
        </>
      );
    case 'question':
      return (
        <>
          {body(t('sessions.fields.question'))}
          {title(t('sessions.fields.blockTitle'))}
        </>
      );
    case 'activity':
      return (
        <>
          {title(t('sessions.fields.blockTitle'))}
          {body(t('sessions.fields.instructions'), t('sessions.fields.activityHint'))}
        </>
      );
    case 'prayer':
      return (
        <>
          {title(t('sessions.fields.blockTitle'))}
          {body(t('sessions.fields.prayer'), t('sessions.fields.markdownHint'))}
        </>
      );
    case 'resource':
      return (
        <>
          {title(t('sessions.fields.blockTitle'))}
          <ResourceFields orgId={orgId} block={block} server={server} known={known} problem={problem} onSet={onSet} onChoose={onChoose} />
          {body(t('sessions.fields.resourceNote'))}
        </>
      );
  }
}

/** A resource block's hub resource: chosen by searching the hub here, how it shows, and whether it is pinned. */
function ResourceFields({
  orgId,
  block,
  server,
  known,
  problem,
  onSet,
  onChoose,
}: {
  orgId: string;
  block: DraftBlock;
  server: Session;
  known: Known;
  problem: (field: string) => string | undefined;
  onSet: (fields: Partial<DraftBlock>) => void;
  onChoose: (chosen: Chosen) => void;
}) {
  const { t } = useTranslation();
  const [replacing, setReplacing] = useState(false);
  const saved = server.blocks.find((b) => b.id === block.id)?.embed ?? null;
  // A resource the reader may not see reaches them without its id; the block keeps it when sent back without one.
  const unavailable = block.resourceId === null && saved !== null && saved.resource_id == null && saved.card == null;
  const savedCard = saved && saved.resource_id === block.resourceId ? saved.card : null;
  const card = savedCard ?? (block.resourceId ? known.get(block.resourceId) : undefined) ?? null;
  const pinnedAt = saved && saved.resource_id === block.resourceId && saved.pinned && block.pin ? saved.pinned_at : null;

  if (unavailable && !replacing) {
    return (
      <div className="composer__resource">
        <Unavailable />
        <button type="button" className="button button--small button--secondary" onClick={() => setReplacing(true)}>
          {t('sessions.resource.replace')}
        </button>
      </div>
    );
  }
  if (block.resourceId === null || replacing) {
    return (
      <div className="composer__resource">
        <HubPicker
          orgId={orgId}
          label={t('sessions.resource.search')}
          error={problem('resource_id')}
          onChoose={(chosen) => {
            setReplacing(false);
            onChoose(chosen);
          }}
        />
        {replacing && (
          <button type="button" className="button button--small button--secondary" onClick={() => setReplacing(false)}>
            {t('sessions.resource.keep')}
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="composer__resource">
      {card ? <ResourceCard card={card} resourceId={block.resourceId} pinnedAt={pinnedAt} /> : <p className="muted">{t('sessions.resource.chosenUnsaved')}</p>}
      {problem('resource_id') && <p className="field__error">{problem('resource_id')}</p>}
      <div className="composer__resource-options">
        <SelectField
          label={t('sessions.resource.show')}
          options={[
            { id: 'live', label: t('sessions.resource.showLive') },
            { id: 'excerpt', label: t('sessions.resource.showExcerpt') },
          ]}
          value={block.show}
          onChange={(show) => onSet({ show: show === 'excerpt' ? 'excerpt' : 'live' })}
        />
        <label className="composer__check">
          <input type="checkbox" checked={block.pin} onChange={(e) => onSet({ pin: e.target.checked })} aria-describedby={`${block.id}-pin-hint`} />{' '}
          {t('sessions.resource.pin')}
        </label>
        <p className="field__hint" id={`${block.id}-pin-hint`}>
          {t('sessions.resource.pinHint')}
        </p>
        <button type="button" className="button button--small button--secondary" onClick={() => setReplacing(true)}>
          {t('sessions.resource.chooseAnother')}
        </button>
      </div>
    </div>
  );
}
