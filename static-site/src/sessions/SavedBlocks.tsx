// Saving a block of the outline to the hub, for oneself or the whole organisation, and putting a saved block back
// into an outline as a copy (saved.ts says how a block and its note correspond).
import { useState } from 'react';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { failureMessage } from '../api/call';
import { ApiError } from '../api/query';
import { Field } from '../components/Field';
import { confirm, warn } from '../kit/toasts';
import { useKindLabel } from './BlockContent';
import type { DraftBlock } from './outline';
import { blockOf, kindOf, readSaved, saveBlock, useSavedBlocks, type Audience } from './saved';

/** A block's "Save to hub" menu: for oneself alone, or for the whole organisation. */
export function SaveToHubMenu({ orgId, block, name }: { orgId: string; block: DraftBlock; name: string }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const [busy, setBusy] = useState(false);
  const save = async (audience: Audience) => {
    setBusy(true);
    const result = await saveBlock(orgId, block, kindLabel(block.kind), audience);
    setBusy(false);
    if (result.ok) confirm({ key: audience === 'me' ? 'sessions.saved.savedForMe' : 'sessions.saved.savedForAll', values: { name } });
    else warn({ key: 'sessions.saved.failed', values: { name } }, { text: failureMessage(result.failure) });
  };
  return (
    <MenuTrigger>
      <Button className="button button--small button--secondary" isDisabled={busy} aria-label={t('sessions.saved.saveNamed', { name })}>
        {t('sessions.saved.save')} <span aria-hidden="true">▾</span>
      </Button>
      <Popover className="popover" placement="bottom end">
        <Menu className="menu" aria-label={t('sessions.saved.saveNamed', { name })} onAction={(key) => void save(key === 'organisation' ? 'organisation' : 'me')}>
          <MenuItem id="me" className="menu__item">
            {t('sessions.saved.forMe')}
          </MenuItem>
          <MenuItem id="organisation" className="menu__item">
            {t('sessions.saved.forAll')}
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}

/** The saved blocks one may see, newest first or found by words, each put into the outline as a copy. */
export function SavedBlockPicker({ orgId, onInsert }: { orgId: string; onInsert: (block: DraftBlock, title: string) => void }) {
  const { t } = useTranslation();
  const kindLabel = useKindLabel();
  const [open, setOpen] = useState(false);
  const [words, setWords] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const found = useSavedBlocks(orgId, words, open);
  const items = found.data?.items ?? [];
  const insert = async (id: string, title: string) => {
    setProblem(null);
    const result = await readSaved(orgId, id);
    if (!result.ok) {
      setProblem(failureMessage(result.failure));
      return;
    }
    onInsert(blockOf(result.data), title);
  };
  if (!open) {
    return (
      <p>
        <button type="button" className="button button--small button--secondary" onClick={() => setOpen(true)}>
          {t('sessions.saved.reuse')}
        </button>
      </p>
    );
  }
  return (
    <div className="sessions__picker" data-own-undo role="group" aria-label={t('sessions.saved.reuseHeading')}>
      <Field label={t('sessions.saved.find')} type="search" value={words} onChange={(event) => setWords(event.target.value)} hint={t('sessions.saved.findHint')} />
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      {found.error instanceof ApiError && <p className="field__error">{found.error.message}</p>}
      {found.isPending && <p className="muted">{t('sessions.saved.loading')}</p>}
      {found.data && items.length === 0 && <p className="muted">{t(words.trim() ? 'sessions.saved.nothing' : 'sessions.saved.none')}</p>}
      {items.length > 0 && (
        <ul className="sessions__found" aria-label={t('sessions.saved.results')}>
          {items.map((hit) => (
            <li key={hit.resource.id}>
              <button type="button" className="button button--small button--secondary" onClick={() => void insert(hit.resource.id, hit.resource.title)}>
                {t('sessions.saved.insert', { title: hit.resource.title })}
              </button>{' '}
              <span className="muted">{kindLabel(kindOf(hit.resource.tags))}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" className="button button--small button--secondary" onClick={() => setOpen(false)}>
          {t('sessions.saved.close')}
        </button>
      </p>
    </div>
  );
}
