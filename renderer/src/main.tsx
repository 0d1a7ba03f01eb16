import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Shell } from './features/shell/Shell';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Shell />
  </StrictMode>,
);
