/** The sign-in feature's public face. */
export { SignInPage } from './SignInPage';
