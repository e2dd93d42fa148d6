import { describe, expect, it } from '@jest/globals';

import { renderDetails, renderTable } from './table.js';

describe(renderTable.name, () => {
  it('should print a borderless table, columns two spaces apart, with no colour codes or trailing blanks', () => {
    const table = renderTable(
      ['id', 'status'],
      [
        ['0193a6f0', 'SUCCEEDED'],
        ['01', 'DEAD'],
      ],
    );

    expect(table).toBe(['ID        STATUS', '0193a6f0  SUCCEEDED', '01        DEAD'].join('\n'));
  });
});

describe(renderDetails.name, () => {
  it('should align the values of labelled lines', () => {
    expect(
      renderDetails([
        ['Job', '42'],
        ['Latest execution', '43'],
      ]),
    ).toBe(['Job:              42', 'Latest execution: 43'].join('\n'));
  });
});
