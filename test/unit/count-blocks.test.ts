import { describe, expect, it } from 'vitest';
import { blocksApart } from '../../main/engine/profile/count-blocks.js';
import {
  addRecentListen,
  addToCell,
  cellOf,
  copyProfile,
  dayHourOf,
  emptyProfile,
  type Profile,
  recentDaysOf,
} from '../../main/engine/profile/profile.js';
import { decodeProfile, encodeProfile } from '../../main/engine/store/store-codec.js';

describe('day × hour cells and recent days held in shared blocks', () => {
  it('gives every profile counts of its own, across many blocks, and copies that stay apart', () => {
    // Enough profiles to fill several blocks, each with every cell and ring day written.
    const profiles = Array.from({ length: 1_500 }, (_, i) => emptyProfile(String(i)));
    profiles.forEach((p, i) => {
      for (let cell = 0; cell < 168; cell++) addToCell(p, cell, 1 + ((i + cell) % 1000));
      for (let day = 0; day < 35; day++) addRecentListen(p, 20_000 + day, 1 + (i % 7) + day);
    });
    // Copies in blocks apart (a checkpoint image's), two sets of them.
    const apart = blocksApart();
    const copies = profiles.map((p) => copyProfile(p, blocksApart()));
    const inBlocks = profiles.map((p) => copyProfile(p, apart));
    for (const p of profiles) {
      addToCell(p, 0, 1);
      addRecentListen(p, 20_000 + 34, 5);
    }
    profiles.forEach((p, i) => {
      expect(dayHourOf(p).length).toBe(168);
      const ring = recentDaysOf(p);
      expect(ring?.length).toBe(35);
      for (let cell = 0; cell < 168; cell++)
        expect(cellOf(p, cell)).toBe(1 + ((i + cell) % 1000) + (cell === 0 ? 1 : 0));
      for (let day = 0; day < 35; day++)
        expect(ring?.[(20_000 + day) % 35]).toBe(1 + (i % 7) + day + (day === 34 ? 5 : 0));
      const cells = Array.from({ length: 168 }, (_, cell) => 1 + ((i + cell) % 1000));
      const days = Array.from({ length: 35 }, (_, day) => 1 + (i % 7) + day);
      for (const copy of [copies[i], inBlocks[i]] as Profile[]) {
        expect(Array.from({ length: 168 }, (_, cell) => cellOf(copy, cell))).toEqual(cells);
        const copied = recentDaysOf(copy);
        expect(days.map((_, day) => copied?.[(20_000 + day) % 35])).toEqual(days);
      }
    });
    // The widest cells (past 65,535) and a profile with none are copied too.
    const wide = emptyProfile('wide');
    addToCell(wide, 3, 70_000);
    const none = emptyProfile('none');
    for (const p of [wide, none]) expect(dayHourOf(copyProfile(p, apart))).toEqual(dayHourOf(p));
  });

  it('starts every profile at zero, whatever the one before it counted', () => {
    const before = emptyProfile('a');
    for (let cell = 0; cell < 168; cell++) addToCell(before, cell, 65_535);
    addRecentListen(before, 1, 9);
    const next = emptyProfile('b');
    addRecentListen(next, 2, 1);
    expect(dayHourOf(next).every((n) => n === 0)).toBe(true);
    expect([...(recentDaysOf(next) ?? [])].reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('widens one profile past 255 and 65,535, keeping its counts, without touching its neighbours', () => {
    const [a, b] = [emptyProfile('a'), emptyProfile('b')];
    addToCell(b, 5, 7);
    addToCell(a, 4, 3);
    addToCell(a, 5, 255);
    addToCell(a, 5, 1);
    expect([cellOf(a, 4), cellOf(a, 5)]).toEqual([3, 256]);
    addToCell(a, 5, 65_279);
    addToCell(a, 5, 1);
    expect([cellOf(a, 4), cellOf(a, 5)]).toEqual([3, 65_536]);
    addToCell(a, 6, 70_000);
    expect([cellOf(b, 4), cellOf(b, 5), cellOf(b, 6)]).toEqual([0, 7, 0]);
  });

  it('reads a stored profile back into cells that hold its largest count', () => {
    for (const largest of [255, 256, 65_535, 65_536]) {
      const p = emptyProfile('a');
      addToCell(p, 0, largest);
      addToCell(p, 167, 1);
      p.listens = largest + 1;
      p.night = largest + 1;
      p.firstSeenMs = p.lastSeenMs = Date.UTC(2026, 2, 2);
      const back = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(p))));
      expect([cellOf(back, 0), cellOf(back, 167)]).toEqual([largest, 1]);
    }
  });
});
