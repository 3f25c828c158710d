import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectEngine } from './api/engine-client';
import { EngineContext } from './api/use-engine';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <EngineContext.Provider value={connectEngine()}>
        <App />
      </EngineContext.Provider>
    </StrictMode>,
  );
}
