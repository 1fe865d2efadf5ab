import { refusalPrompts } from './machine/announcements.js';
import { type IvrMachine, ivrMachine } from './machine.js';
import type { PromptId } from './prompts.js';

/**
 * Reading the machine definition (never running it): which prompts it can
 * play, and a Mermaid picture of its states, for docs/ivr.md. Both walk
 * `machine.root`, so they cannot drift from the machine.
 */

/** The parts of xstate's `StateNode` this module reads. */
interface NodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly entry: readonly unknown[];
  readonly exit: readonly unknown[];
  readonly tags: readonly string[];
  readonly transitions: Map<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[];
  readonly initial: { readonly target: readonly NodeLike[] } | undefined;
}

interface TransitionLike {
  readonly target: readonly NodeLike[] | undefined;
  readonly actions: readonly unknown[];
  readonly guard?: unknown;
  readonly eventType: string;
  readonly reenter: boolean;
}

const nodesOf = (node: NodeLike): NodeLike[] => [node, ...Object.values(node.states).flatMap(nodesOf)];

const transitionsOf = (node: NodeLike): TransitionLike[] => [...[...node.transitions.values()].flat(), ...(node.always ?? [])];

const typeOf = (action: unknown): string | undefined =>
  typeof action === 'string' ? action : typeof action === 'object' && action !== null ? (action as { type?: string }).type : undefined;

/** Every action (entry, exit, transition) written in the definition. */
export const actionsOf = (machine: IvrMachine = ivrMachine): unknown[] =>
  nodesOf(machine.root as unknown as NodeLike).flatMap((n) => [...n.entry, ...n.exit, ...transitionsOf(n).flatMap((t) => t.actions)]);

/**
 * Every prompt id the machine can play: static `play` params, every refusal
 * prompt behind `playRefusal`, `language-option` behind `playLanguageMenu`.
 * Throws if a `play` action computes its prompt (it could not be checked).
 */
export const promptIdsOf = (machine: IvrMachine = ivrMachine): PromptId[] => {
  const found = new Set<PromptId>();
  for (const action of actionsOf(machine)) {
    const type = typeOf(action);
    if (type === 'play') {
      const params = (action as { params?: unknown }).params;
      if (typeof params !== 'object' || params === null || typeof (params as { prompt?: unknown }).prompt !== 'string') {
        throw new Error('a play action of the IVR machine computes its prompt id; prompt ids must be static');
      }
      found.add((params as { prompt: PromptId }).prompt);
    } else if (type === 'playRefusal') {
      for (const entry of Object.values(refusalPrompts)) {
        for (const id of typeof entry === 'string' ? [entry] : Object.values(entry)) found.add(id);
      }
    } else if (type === 'playLanguageMenu') {
      found.add('language-option');
    }
  }
  return [...found].sort();
};

const mermaidId = (node: NodeLike): string => (node.path.length === 0 ? 'ivr' : node.path.join('_'));

const guardLabel = (guard: unknown): string => {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  const g = guard as { type?: unknown; params?: unknown; guards?: unknown };
  if (Array.isArray(g.guards)) return g.guards.map(guardLabel).join(' and ');
  if (typeof g.type === 'string') {
    const params = g.params !== undefined && typeof g.params === 'object' && g.params !== null ? Object.values(g.params).join(',') : '';
    return params === '' ? g.type : `${g.type} ${params}`;
  }
  return 'guard';
};

const eventLabel = (eventType: string): string => {
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  return after ? `after ${after[1]}` : eventType;
};

/**
 * The machine as a Mermaid `stateDiagram-v2`. Transitions are labelled
 * `EVENT [guard]` (several on one arrow are comma-separated, in priority
 * order); `after x` is a named delay; `always` an eventless transition. The
 * root's own transitions (hang-up) are drawn as a note.
 */
export const toMermaid = (machine: IvrMachine = ivrMachine): string => {
  const root = machine.root as unknown as NodeLike;
  const lines: string[] = ['stateDiagram-v2'];
  const finals: string[] = [];
  // One arrow per (source, target), its label listing every way along it: keeps the picture readable.
  const edges = new Map<string, string[]>();
  const pad = (depth: number) => '  '.repeat(depth);

  const declare = (node: NodeLike, depth: number) => {
    const id = mermaidId(node);
    const children = Object.values(node.states);
    if (node.path.length > 0) lines.push(`${pad(depth)}state "${node.key}" as ${id}`);
    if (children.length > 0) {
      if (node.path.length > 0) lines.push(`${pad(depth)}state ${id} {`);
      const inner = node.path.length > 0 ? depth + 1 : depth;
      const initial = node.initial?.target[0];
      if (initial !== undefined) lines.push(`${pad(inner)}[*] --> ${mermaidId(initial)}`);
      for (const child of children) declare(child, inner);
      if (node.path.length > 0) lines.push(`${pad(depth)}}`);
    }
    if (node.type === 'final') finals.push(`${id} --> [*]`);
    if (node.path.length === 0) return;
    for (const t of transitionsOf(node)) {
      const guard = guardLabel(t.guard);
      const label = `${t.eventType === '' ? 'always' : eventLabel(t.eventType)}${guard === '' ? '' : ` [${guard}]`}`;
      for (const target of t.target ?? []) {
        const arrow = `${id} --> ${mermaidId(target)}`;
        edges.set(arrow, [...(edges.get(arrow) ?? []), label]);
      }
    }
  };

  declare(root, 1);
  for (const [arrow, labels] of edges) lines.push(`  ${arrow} : ${labels.join(', ')}`);
  lines.push(...finals.map((f) => `  ${f}`));
  for (const t of transitionsOf(root)) {
    for (const target of t.target ?? []) lines.push(`  note right of ${mermaidId(target)} : ${t.eventType} from any state`);
  }
  return lines.join('\n');
};

/** The generated part of docs/ivr.md lies between these markers. */
export const diagramMarkers = {
  start: '<!-- ivr-diagram:start (generated by scripts/ivr-diagram.ts, do not edit) -->',
  end: '<!-- ivr-diagram:end -->',
};

/** `markdown` with the generated diagram put between the markers (appended when they are missing). */
export const withDiagram = (markdown: string, machine: IvrMachine = ivrMachine): string => {
  const block = `${diagramMarkers.start}\n\`\`\`mermaid\n${toMermaid(machine)}\n\`\`\`\n${diagramMarkers.end}`;
  const start = markdown.indexOf(diagramMarkers.start);
  const end = markdown.indexOf(diagramMarkers.end);
  if (start === -1 || end === -1 || end < start) return `${markdown.trimEnd()}\n\n${block}\n`;
  return markdown.slice(0, start) + block + markdown.slice(end + diagramMarkers.end.length);
};
