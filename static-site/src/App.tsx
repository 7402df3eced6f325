// App shell: header with role-filtered navigation, and the page for the current path.
import { useEffect, useRef, type ReactNode } from 'react';
import { NAV_ITEMS, visibleNav, type Role } from './nav';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { StatusPage } from './pages/StatusPage';
import { Link, usePathname } from './router';
import { currentRoles } from './session';

const ROUTES: Readonly<Record<string, () => ReactNode>> = {
  '/': () => <HomePage />,
  '/status': () => <StatusPage />,
};

function useFocusOnNavigation(pathname: string) {
  const first = useRef(true);
  useEffect(() => {
    // On the first load the browser already puts focus at the top; afterwards a screen reader would otherwise stay on the old link.
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);
}

export function App({ roles = currentRoles() }: { roles?: readonly Role[] }) {
  const pathname = usePathname();
  const items = visibleNav(NAV_ITEMS, roles);
  const page = ROUTES[pathname];
  useFocusOnNavigation(pathname);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            Emmaus
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              {items.map((item) => (
                <li key={item.path}>
                  <Link to={item.path} aria-current={item.path === pathname ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" className="site-main">
        {page ? page() : <NotFoundPage path={pathname} />}
      </main>
      <footer className="site-footer">
        <p>Emmaus · coaching and discipleship</p>
      </footer>
    </>
  );
}
