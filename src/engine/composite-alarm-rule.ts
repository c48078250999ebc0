// A composite alarm's AlarmRule, parsed: which alarms it references (the CloudWatch adapter reports them,
// the start checks follow them) and its value for given child states (the simulated CloudWatch evaluates
// it). The grammar is PutCompositeAlarm's (CloudWatch API Reference, PutCompositeAlarm, AlarmRule):
// ALARM(name), OK(name) and INSUFFICIENT_DATA(name) — a name or an alarm ARN, quoted or not — TRUE,
// FALSE, combined with AND, OR, NOT and parentheses.
import type { AlarmStateValue } from './ports';

export type AlarmRuleNode =
  | { type: 'constant'; value: boolean }
  | { type: 'state'; state: AlarmStateValue; alarmName: string }
  | { type: 'not'; operand: AlarmRuleNode }
  | { type: 'and' | 'or'; operands: AlarmRuleNode[] };

const FUNCTIONS: readonly AlarmStateValue[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** An alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>) reduced to the alarm's name. */
function alarmNameOf(reference: string): string {
  const match = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(reference);
  return match?.[1] ?? reference;
}

class RuleParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): AlarmRuleNode {
    const node = this.or();
    this.space();
    if (this.at < this.text.length) this.fail(`unexpected "${this.text.slice(this.at, this.at + 12)}"`);
    return node;
  }

  private or(): AlarmRuleNode {
    const operands = [this.and()];
    while (this.keyword('OR')) operands.push(this.and());
    return operands.length === 1 ? (operands[0] as AlarmRuleNode) : { type: 'or', operands };
  }

  private and(): AlarmRuleNode {
    const operands = [this.unary()];
    while (this.keyword('AND')) operands.push(this.unary());
    return operands.length === 1 ? (operands[0] as AlarmRuleNode) : { type: 'and', operands };
  }

  private unary(): AlarmRuleNode {
    if (this.keyword('NOT')) return { type: 'not', operand: this.unary() };
    this.space();
    if (this.text[this.at] === '(') {
      this.at++;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (this.keyword('TRUE')) return { type: 'constant', value: true };
    if (this.keyword('FALSE')) return { type: 'constant', value: false };
    for (const state of FUNCTIONS) {
      if (this.keyword(state, '(')) {
        this.expect('(');
        return { type: 'state', state, alarmName: alarmNameOf(this.reference()) };
      }
    }
    return this.fail('expected ALARM(...), OK(...), INSUFFICIENT_DATA(...), TRUE, FALSE, NOT or (');
  }

  /** The alarm a function names, up to its closing parenthesis. */
  private reference(): string {
    this.space();
    let name: string;
    if (this.text[this.at] === '"') {
      const end = this.text.indexOf('"', this.at + 1);
      if (end < 0) this.fail('a quoted alarm name is not closed');
      name = this.text.slice(this.at + 1, end);
      this.at = end + 1;
      this.expect(')');
    } else {
      const end = this.text.indexOf(')', this.at);
      if (end < 0) this.fail('a function is not closed with )');
      name = this.text.slice(this.at, end).trim();
      this.at = end + 1;
    }
    if (name === '') this.fail('a function names no alarm');
    return name;
  }

  private keyword(word: string, followedBy?: string): boolean {
    this.space();
    if (!this.text.startsWith(word, this.at)) return false;
    const next = this.text.slice(this.at + word.length).trimStart()[0];
    const boundary = this.text[this.at + word.length];
    if (
      followedBy !== undefined ? next !== followedBy : boundary !== undefined && /[A-Za-z0-9_]/.test(boundary)
    ) {
      return false;
    }
    this.at += word.length;
    return true;
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) this.fail(`expected "${char}"`);
    this.at++;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] as string)) this.at++;
  }

  private fail(problem: string): never {
    throw new Error(`AlarmRule ${JSON.stringify(this.text)} at character ${this.at + 1}: ${problem}`);
  }
}

/** Parses an AlarmRule; throws an Error saying where and what is wrong. */
export function parseAlarmRule(rule: string): AlarmRuleNode {
  return new RuleParser(rule).parse();
}

/** The alarms a rule references, in order of first mention; empty for a rule it cannot parse. */
export function alarmRuleChildren(rule: string): string[] {
  let node: AlarmRuleNode;
  try {
    node = parseAlarmRule(rule);
  } catch {
    return [];
  }
  const names: string[] = [];
  const visit = (n: AlarmRuleNode): void => {
    if (n.type === 'state') {
      if (!names.includes(n.alarmName)) names.push(n.alarmName);
    } else if (n.type === 'not') visit(n.operand);
    else if (n.type === 'and' || n.type === 'or') n.operands.forEach(visit);
  };
  visit(node);
  return names;
}

/** The rule's value given each child's state (an unknown child matches no function). */
export function evaluateAlarmRule(
  node: AlarmRuleNode,
  stateOf: (alarmName: string) => AlarmStateValue | undefined,
): boolean {
  switch (node.type) {
    case 'constant':
      return node.value;
    case 'state':
      return stateOf(node.alarmName) === node.state;
    case 'not':
      return !evaluateAlarmRule(node.operand, stateOf);
    case 'and':
      return node.operands.every((operand) => evaluateAlarmRule(operand, stateOf));
    case 'or':
      return node.operands.some((operand) => evaluateAlarmRule(operand, stateOf));
  }
}
