import { describe, expect, it } from 'vitest';
import { deadlineRuleFor, dueDate, isWorkingDay, orthodoxEaster, publicHolidays } from '../../src/tickets/deadlines.ts';

describe('legal deadlines', () => {
  it('knows Orthodox Easter', () => {
    expect(orthodoxEaster(2025)).toBe('2025-04-20');
    expect(orthodoxEaster(2026)).toBe('2026-04-12');
    expect(orthodoxEaster(2027)).toBe('2027-05-02');
  });

  it('lists Romanian public holidays including the movable ones', () => {
    const holidays = publicHolidays(2026);
    for (const day of ['2026-01-01', '2026-01-24', '2026-04-10', '2026-04-13', '2026-06-01', '2026-05-31', '2026-06-01', '2026-12-01', '2026-12-25']) {
      expect(holidays.has(day), day).toBe(true);
    }
    expect(isWorkingDay('2026-12-01')).toBe(false);
    expect(isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-27')).toBe(true);
  });

  it.each([
    // registered on, rule, due — petitions 30 calendar days, moved off weekends and holidays
    ['2026-11-26', 'petitie', '2026-12-28'], // 26 Dec is a holiday and 27 a Sunday → Monday 28
    ['2026-01-05', 'petitie', '2026-02-04'],
    ['2026-11-26', 'informatii-publice', '2026-12-07'], // 6 Dec is a Sunday → Monday 7
    ['2026-03-02', 'informatii-publice', '2026-03-12'],
  ] as const)('a %s %s is due on %s', (registeredOn, type, expected) => {
    expect(dueDate(registeredOn, deadlineRuleFor(type))).toBe(expected);
  });

  it('counts working days when the law says so (tax certificate: 2 working days)', () => {
    // Friday 27 Nov; 30 Nov (Sf. Andrei) and 1 Dec are holidays: Wednesday 2 Dec is the 1st working day.
    expect(dueDate('2026-11-27', { days: 2, workingDays: true })).toBe('2026-12-03');
    expect(dueDate('2026-11-24', { days: 2, workingDays: true })).toBe('2026-11-26');
  });

  it('gives a request to talk to a clerk the next working day, not a petition\'s 30 days', () => {
    const handover = deadlineRuleFor('handover');
    expect(handover.extension).toBeUndefined();
    expect(dueDate('2026-11-24', handover)).toBe('2026-11-25'); // Tuesday → Wednesday
    expect(dueDate('2026-11-20', handover)).toBe('2026-11-23'); // Friday → Monday
    expect(dueDate('2026-11-27', handover)).toBe('2026-12-02'); // Friday; Monday 30 Nov and 1 Dec are holidays
  });

  it('keeps the petition extension on record', () => {
    expect(deadlineRuleFor('petitie').extension).toEqual({ days: 15, basis: 'OG 27/2002, art. 9' });
    expect(deadlineRuleFor('informatii-publice').days).toBe(10);
  });
});
