// The part of CloudWatch metric math the simulated CloudWatch evaluates for metric-math alarms:
// arithmetic (+ - * /, unary minus, parentheses) over numbers and the ids of the alarm's other
// queries — what a team writes for an error rate (`m1/m2`, `100*m1/m2`, `(m1+m2)/m3`). CloudWatch
// User Guide, "Using math expressions with CloudWatch metrics" and its "Metric math syntax and
// functions": arithmetic on time series applies per timestamp. The sim's reading of the edges, which
// that page does not spell out: a timestamp where any series the expression reads has no datapoint has
// no result, and neither has one whose result is not a finite number (a division by zero). Functions
// (FILL, IF, SUM, METRICS, ...) are refused when the alarm is created rather than evaluated wrongly.

export type MathNode =
  | { type: 'number'; value: number }
  | { type: 'id'; id: string }
  | { type: 'negate'; operand: MathNode }
  | { type: 'binary'; operator: '+' | '-' | '*' | '/'; left: MathNode; right: MathNode };

const SUPPORTED =
  'the simulated CloudWatch evaluates arithmetic only: + - * /, numbers, the ids of the alarm’s metrics and parentheses (e.g. 100*m1/m2)';

export class MathExpressionError extends Error {}

class MathParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): MathNode {
    const node = this.sum();
    this.space();
    if (this.at < this.text.length) this.fail(`unexpected "${this.text.slice(this.at, this.at + 12)}"`);
    return node;
  }

  private sum(): MathNode {
    let left = this.product();
    for (;;) {
      this.space();
      const operator = this.text[this.at];
      if (operator !== '+' && operator !== '-') return left;
      this.at++;
      left = { type: 'binary', operator, left, right: this.product() };
    }
  }

  private product(): MathNode {
    let left = this.unary();
    for (;;) {
      this.space();
      const operator = this.text[this.at];
      if (operator !== '*' && operator !== '/') return left;
      this.at++;
      left = { type: 'binary', operator, left, right: this.unary() };
    }
  }

  private unary(): MathNode {
    this.space();
    const char = this.text[this.at];
    if (char === '-') {
      this.at++;
      return { type: 'negate', operand: this.unary() };
    }
    if (char === '(') {
      this.at++;
      const inner = this.sum();
      this.space();
      if (this.text[this.at] !== ')') this.fail('expected ")"');
      this.at++;
      return inner;
    }
    const number = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return { type: 'number', value: Number(number[0]) };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (word) {
      this.at += word[0].length;
      this.space();
      if (this.text[this.at] === '(' || /^[A-Z]/.test(word[0])) {
        this.fail(`${word[0]} is a metric math function; ${SUPPORTED}`);
      }
      return { type: 'id', id: word[0] };
    }
    return this.fail(`expected a number, an id or "("; ${SUPPORTED}`);
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at] as string)) this.at++;
  }

  private fail(problem: string): never {
    throw new MathExpressionError(
      `Expression ${JSON.stringify(this.text)} at character ${this.at + 1}: ${problem}`,
    );
  }
}

export function parseMathExpression(expression: string): MathNode {
  return new MathParser(expression).parse();
}

/** The ids an expression reads. */
export function mathIds(node: MathNode): string[] {
  switch (node.type) {
    case 'number':
      return [];
    case 'id':
      return [node.id];
    case 'negate':
      return mathIds(node.operand);
    case 'binary':
      return [...new Set([...mathIds(node.left), ...mathIds(node.right)])];
  }
}

/** The expression's value at one timestamp; undefined when an input is missing or the result is not finite. */
export function evaluateMath(
  node: MathNode,
  valueOf: (id: string) => number | undefined,
): number | undefined {
  const value = (n: MathNode): number | undefined => {
    switch (n.type) {
      case 'number':
        return n.value;
      case 'id':
        return valueOf(n.id);
      case 'negate': {
        const operand = value(n.operand);
        return operand === undefined ? undefined : -operand;
      }
      case 'binary': {
        const left = value(n.left);
        const right = value(n.right);
        if (left === undefined || right === undefined) return undefined;
        switch (n.operator) {
          case '+':
            return left + right;
          case '-':
            return left - right;
          case '*':
            return left * right;
          case '/':
            return left / right;
        }
      }
    }
  };
  const result = value(node);
  return result === undefined || !Number.isFinite(result) ? undefined : result;
}
