import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bridge } from './bridge/bridge';
import { BuddyListBench } from './features/bench/BuddyListBench';
import { StandaloneChat } from './features/chat/StandaloneChat';
import { reportActivity } from './lib/activity';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// `?chat=<address>`: one conversation alone (the desktop shell opens one window per chat this way).
// `?bench=buddy-list`: the buddy list fed with synthetic data (bench/ui/), no core needed.
const params = new URLSearchParams(window.location.search);
const chat = params.get('chat');
const bench = params.get('bench');
createRoot(root).render(
  <StrictMode>{bench === 'buddy-list' ? <BuddyListBench /> : chat ? <StandaloneChat peer={chat} /> : <App />}</StrictMode>,
);

// Key and pointer input keeps automatic Away off where the core has no OS idle time (browser UI); throttled.
// A lost report is harmless (the next input sends another), so a closed connection is not an error here.
if (bench !== 'buddy-list') reportActivity(window, () => void bridge.invoke('app.activity', {}).catch(() => {}));
