import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { BuddyListBench } from './features/bench/BuddyListBench';
import { StandaloneChat } from './features/chat/StandaloneChat';

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
