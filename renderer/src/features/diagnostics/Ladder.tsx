// A ladder diagram of one dialog or transaction: two lifelines ("Parley" and the remote hop), one arrow per
// message, top to bottom in time order. SVG, with a text list next to it for screen readers.
import type { LadderFlow } from '../../lib/sip-ladder';
import { t } from '../../i18n/en';

const ROW = 34;
const TOP = 44;
const LEFT = 70;
const RIGHT = 430;

export function Ladder({ flow }: { flow: LadderFlow }) {
  const remote = flow.remotes.join(', ');
  const height = TOP + flow.messages.length * ROW + 16;
  return (
    <figure className="ladder" data-testid="ladder">
      <svg viewBox={`0 0 500 ${height}`} width="100%" role="img" aria-label={t.diagnostics.ladder(`${flow.method} ${flow.callId}`)}>
        <text x={LEFT} y={18} textAnchor="middle" className="ladder__head">{t.diagnostics.parley}</text>
        <text x={RIGHT} y={18} textAnchor="middle" className="ladder__head">{remote.length > 28 ? `${remote.slice(0, 27)}…` : remote}</text>
        <line x1={LEFT} y1={26} x2={LEFT} y2={height - 6} className="ladder__life" />
        <line x1={RIGHT} y1={26} x2={RIGHT} y2={height - 6} className="ladder__life" />
        {flow.messages.map((m, i) => {
          const y = TOP + i * ROW;
          const out = m.direction === 'out';
          const [x1, x2] = out ? [LEFT, RIGHT] : [RIGHT, LEFT];
          const cls = m.status === undefined ? 'req' : m.status < 200 ? 'prov' : m.status < 300 ? 'ok' : 'err';
          const head = out ? `${x2 - 8},${y - 5} ${x2},${y} ${x2 - 8},${y + 5}` : `${x2 + 8},${y - 5} ${x2},${y} ${x2 + 8},${y + 5}`;
          return (
            <g key={m.seq} className={`ladder__msg ladder__msg--${cls}`}>
              <line x1={x1} y1={y} x2={x2} y2={y} />
              <polygon points={head} />
              <text x={(LEFT + RIGHT) / 2} y={y - 6} textAnchor="middle">{m.label}{m.isRequest ? '' : ` (${m.cseq})`}</text>
              <text x={4} y={y + 4} className="ladder__time">{new Date(m.at).toLocaleTimeString(undefined, { minute: '2-digit', second: '2-digit' })}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">
        <ol>
          {flow.messages.map((m) => (
            <li key={m.seq}>{m.direction === 'out' ? `Parley → ${m.remote}` : `${m.remote} → Parley`}: {m.label} {m.cseq}</li>
          ))}
        </ol>
      </figcaption>
    </figure>
  );
}
