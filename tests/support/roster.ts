/** The Chinese header of a roster file with every column. */
export const ROSTER_HEADER = '代表编号,姓名,代表团,常委会组成人员,手机';

/** A roster of n valid deputies (codes D00001…), as CSV text with a Chinese header and CRLF line ends. */
export function generatedRoster(n: number, namePrefix = '代表'): string {
  const delegations = ['龙洲街道代表团', '东华街道代表团', '湖镇镇代表团'];
  const lines = [ROSTER_HEADER];
  for (let i = 1; i <= n; i++) {
    const phone = i % 2 ? `138${String(i).padStart(8, '0')}` : '';
    lines.push(`D${String(i).padStart(5, '0')},${namePrefix}${i},${delegations[i % 3]},${i % 10 === 0 ? '是' : '否'},${phone}`);
  }
  return lines.join('\r\n') + '\r\n';
}
