// Shows the toast queue at the bottom of the screen: a landmark region, each toast with a close button; the kit
// moves focus and announces them (React Aria).
import {
  Button,
  Text,
  UNSTABLE_Toast as Toast,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastRegion as Region,
} from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { toasts, type Message, type ToastContent as Content } from './toasts';

export function ToastRegion() {
  const { t } = useTranslation();
  const words = (message: Message) => ('key' in message ? t(message.key, message.values ?? {}) : message.text);
  return (
    <Region queue={toasts} className="toasts" aria-label={t('kit.notifications')}>
      {({ toast }: { toast: { key: string; content: Content } }) => (
        <Toast toast={toast as never} className={`toast toast--${toast.content.tone}`}>
          <ToastContent className="toast__content">
            <Text slot="title" className="toast__title">
              {words(toast.content.title)}
            </Text>
            {toast.content.description && (
              <Text slot="description" className="toast__description">
                {words(toast.content.description)}
              </Text>
            )}
          </ToastContent>
          <Button slot="close" className="toast__close" aria-label={t('kit.dismiss')}>
            ×
          </Button>
        </Toast>
      )}
    </Region>
  );
}
