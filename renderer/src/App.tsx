import { useAccountStore } from './store/account-store';
import { SignInScreen } from './features/sign-in/SignInScreen';
import { MainScreen } from './features/main/MainScreen';

export function App() {
  const state = useAccountStore((s) => s.state);
  const signedIn = state && (state.state === 'registered' || state.state === 'reconnecting');
  return signedIn ? <MainScreen /> : <SignInScreen />;
}
