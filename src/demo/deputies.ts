import type { DeputyInput } from '../terms/rules.ts';

/** Longyou's towns and sub-districts, plus the organs' delegation: the demo's 代表团. */
export const DELEGATIONS = [
  '龙洲街道代表团', '东华街道代表团', '湖镇镇代表团', '小南海镇代表团', '詹家镇代表团', '横山镇代表团',
  '塔石镇代表团', '溪口镇代表团', '模环乡代表团', '石佛乡代表团', '罗家乡代表团', '庙下乡代表团',
  '沐尘畲族乡代表团', '大街乡代表团', '社阳乡代表团', '县直机关代表团',
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊';
const GIVEN = '伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国文辉鹏琳晨阳宇浩然欣怡佳慧志红海燕春梅兰波斌凯丹萍雪峰亮';

/** A small deterministic PRNG (mulberry32), so the demo data is the same on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The term's illustrative roster: `count` deputies with invented names, spread over the
 * delegations; the first `standingCommittee` of them sit on the standing committee.
 */
export function demoRoster(count = 240, standingCommittee = 29): DeputyInput[] {
  const rnd = mulberry32(20230110);
  const pick = (s: string) => s[Math.floor(rnd() * s.length)]!;
  const used = new Set<string>();
  const roster: DeputyInput[] = [];
  for (let i = 1; i <= count; i++) {
    let name: string;
    do {
      name = pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.7 ? pick(GIVEN) : '');
    } while (used.has(name));
    used.add(name);
    roster.push({
      code: `D${String(i).padStart(3, '0')}`,
      name,
      delegation: DELEGATIONS[(i - 1) % DELEGATIONS.length]!,
      standingCommittee: i <= standingCommittee,
      phone: null,
    });
  }
  return roster;
}
