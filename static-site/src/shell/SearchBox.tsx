// The top bar's search: it looks in the Knowledge Hub, so it opens the hub's library with the words in its address,
// where the library's own search box takes them up.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../router';

export function SearchBox() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    navigate(q ? `/hub?q=${encodeURIComponent(q)}` : '/hub');
  };
  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <label htmlFor="site-search" className="visually-hidden">
        {t('shell.search')}
      </label>
      <input
        id="site-search"
        type="search"
        value={query}
        maxLength={200}
        placeholder={t('shell.searchPlaceholder')}
        onChange={(event) => setQuery(event.target.value)}
      />
    </form>
  );
}
