// The signed-in person's menu in the top bar: their profile and signing out (React Aria's menu: arrow keys, Escape,
// type-ahead, announced as a menu).
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { navigate } from '../router';
import { useSession } from '../session';

export function ProfileMenu() {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  if (state.status !== 'signed-in') return null;
  const name = state.session.person.display_name;
  return (
    <MenuTrigger>
      <Button className="menu-button" aria-label={t('shell.signedInAs', { name })}>
        <span className="menu-button__name" data-testid="signed-in-as">
          {name}
        </span>
        <span aria-hidden="true" className="menu-button__caret">
          ▾
        </span>
      </Button>
      <Popover className="popover" placement="bottom end">
        <Menu
          className="menu"
          aria-label={t('shell.profileMenu')}
          onAction={(key) => {
            if (key === 'profile') navigate('/profile');
            if (key === 'sign-out') {
              void signOut().then((result) => {
                if (result.ok || result.status === 401) navigate('/sign-in');
              });
            }
          }}
        >
          <MenuItem id="profile" className="menu__item">
            {t('shell.profile')}
          </MenuItem>
          <MenuItem id="sign-out" className="menu__item">
            {t('shell.signOut')}
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
