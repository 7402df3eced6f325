// Shown for any client route the app does not know.
import { Link } from '../router';
import { useDocumentTitle } from '../useDocumentTitle';

export function NotFoundPage({ path }: { path: string }) {
  useDocumentTitle('Page not found');
  return (
    <article className="page">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at <code className="path">{path}</code>. The link may be mistyped, or the page may have moved.
      </p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </article>
  );
}
