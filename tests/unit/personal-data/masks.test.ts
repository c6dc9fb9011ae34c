// One mask per personal kind (gateway/personal-data/masks.ts): what each keeps, and that short
// values are masked whole rather than shown.
import { describe, expect, it } from 'vitest';
import { MASKS } from '../../../gateway/personal-data/masks.ts';
import { PERSONAL_KINDS } from '../../../gateway/personal-data/personal-kind.ts';

describe('masks', () => {
  it.each([
    ['id-number', '51010419850315231X', '5101**********231X'],
    ['id-number', '5101041985031523', '5101********1523'],
    ['phone', '13812345678', '138****5678'],
    ['phone', '028-85551234', '028*****1234'],
    ['bank-account', '6222020200112233445', '***************3445'],
    ['bank-account', '12345678', '******78'],
    ['document-number', 'J510104-2020-001234', '*****************34'],
    ['document-number', 'A123456789', '********89'],
    ['name', '张三', '张*'],
    ['name', '欧阳娜娜', '欧***'],
    ['email', 'zhang.san@example.com', 'z***@example.com'],
    ['address', '四川省成都市武侯区人民南路四段1号', '四川省成都市武侯区********'],
    ['address', '广西壮族自治区南宁市青秀区民族大道100号', '广西壮族自治区南宁市青秀区********'],
    ['address', '重庆市渝中区解放碑街道1号', '重庆市渝中区*******'],
    ['address', '凉山彝族自治州西昌市胜利路8号', '凉山彝族自治州西昌市*****'],
  ] as const)('masks a %s %s as %s', (kind, value, masked) => {
    expect(MASKS[kind](value)).toBe(masked);
  });

  it('keeps no street detail of an address that does not open with a province or prefecture', () => {
    expect(MASKS.address('武侯区人民南路')).toBe('*******');
    // A housing estate ending in 区 is not a district.
    expect(MASKS.address('人民路小区3栋')).toBe('*******');
  });

  it.each(['id-number', 'phone', 'bank-account', 'document-number', 'address'] as const)(
    'masks a short %s whole rather than show most of it',
    (kind) => {
      expect(MASKS[kind]('1234')).toBe('****');
      expect(MASKS[kind]('')).toBe('');
    },
  );

  it('masks a one-character name, and an e-mail without a mailbox, whole', () => {
    expect(MASKS.name('张')).toBe('*');
    expect(MASKS.email('@example.com')).toBe('@***********');
  });

  it('masks by code points, so no mask leaves half of a surrogate pair', () => {
    const masked = MASKS.name('𠀋𠀌𠀍');
    expect(masked).toBe('𠀋**');
    expect(masked.isWellFormed()).toBe(true);
  });

  it('keeps the length, so a reader sees the shape of the value', () => {
    for (const kind of PERSONAL_KINDS)
      expect([...MASKS[kind]('四川省成都市武侯区人民南路四段1号')]).toHaveLength(17);
  });
});
