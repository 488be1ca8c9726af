// Every tab of an open dump except the hex view, in PANEL_IDS order (the shell adds the hex tab).
import type { Panel } from '../viewer/context';
import { crashPanel } from './crash-panel';
import { exceptionPanel } from './exception-panel';
import { headerPanel } from './header-panel';
import { memoryPanel } from './memory-panel';
import { modulesPanel } from './modules-panel';
import { processesPanel } from './processes-panel';
import { registersPanel } from './registers-panel';
import { stackPanel } from './stack-panel';
import { triagePanel } from './triage-panel';

export const PANELS: Panel[] = [crashPanel, headerPanel, registersPanel, exceptionPanel, modulesPanel, processesPanel, stackPanel, memoryPanel, triagePanel];
