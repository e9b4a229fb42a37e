/** The notifications feature's public face. */
export { InboxButton } from './InboxButton';
