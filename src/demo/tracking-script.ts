import type { Schedule } from '../domain/vocabulary.ts';

/**
 * What each of the demo's ten 2023 projects went through in its year (src/demo/tracking.ts plays
 * it through the real store functions). Everything here is invented for the demo: the figures,
 * the milestones, the narratives; only the project names, departments and targets follow the
 * 2023 Longyou County government work report, as the candidates do.
 */

export interface ScriptTarget { metric: string; unit: string; target: number }
export interface ScriptMilestone { title: string; due: string; weight: number }

/** One report: the period is the n-th of the plan's (by position in `reports`). */
export interface ScriptReport {
  narrative: string;
  /** Milestones (1-based, as in `milestones`) this report marks done. */
  done?: number[];
  /** Money spent to date as a share of the year's planned investment. */
  spent: number;
  /** Each target's actual as a share of its target (the last report's, when not given: the previous). */
  actual: number;
  final?: boolean;
  /** A photo with this caption (quarterly reports all carry one; monthly ones only where given). */
  photo?: string;
}

export interface ProjectScript {
  /** The lead department's demo account. */
  username: string;
  location: string | null;
  schedule: Schedule;
  /** 年度计划投资 in 元 (default: the candidate's 总投资). */
  annualYuan?: number;
  targets: ScriptTarget[];
  milestones: ScriptMilestone[];
  reports: ScriptReport[];
  /** The colour of its photos (a hue, 0–360). */
  hue: number;
  /** The first plan is returned once with this comment, then corrected by adding the last milestone. */
  planReturned?: string;
  /** A later revision of the plan, approved in July: its reason, the milestones' new due dates, the new annual investment. */
  revision?: { reason: string; dues: Record<number, string>; annualYuan: number };
  /** The report at this index is returned with the comment, then completed with `addition` and approved. */
  returned?: { index: number; comment: string; addition: string };
  /** The last (final) report is submitted but still waits for the secretariat. */
  finalPending?: boolean;
}

const q = (n: number) => ['一', '二', '三', '四'][n - 1]!;
const photo = (scene: string, n: number) => `${scene}（2023年第${q(n)}季度）`;

/** Keyed by the candidate's name. */
export const PROJECT_SCRIPTS: Readonly<Record<string, ProjectScript>> = {
  学前教育扩容提质: {
    username: 'jiaoyu', location: '龙洲街道', schedule: 'quarterly', hue: 205,
    targets: [{ metric: '新增公办幼儿园学位', unit: '个', target: 1200 }, { metric: '新建、改扩建公办幼儿园', unit: '所', target: 6 }],
    milestones: [
      { title: '完成新建幼儿园选址和设计审批', due: '2023-03-31', weight: 1 },
      { title: '3所新建幼儿园主体结构完工', due: '2023-06-30', weight: 3 },
      { title: '秋季学期新增学位投入使用', due: '2023-09-01', weight: 4 },
      { title: '其余幼儿园竣工验收', due: '2023-12-20', weight: 2 },
    ],
    reports: [
      { narrative: '完成6所幼儿园选址和设计审批，城东幼儿园、灵山幼儿园已开工建设。同步启动全县幼儿园保教质量评估。', done: [1], spent: 0.12, actual: 0, photo: photo('城东幼儿园开工现场', 1) },
      { narrative: '城东、灵山、湖镇中心3所新建幼儿园主体结构完工，进入室内装修阶段。招生预登记开放，预计秋季新增学位900个。', done: [2], spent: 0.46, actual: 0.3, photo: photo('灵山幼儿园主体结构完工', 2) },
      { narrative: '3所新建幼儿园秋季学期如期开园，新增公办学位960个，城区“入园难”明显缓解。其余3所改扩建工程进度过半。', done: [3], spent: 0.78, actual: 0.8, photo: photo('城东幼儿园开园', 3) },
      { narrative: '其余3所改扩建幼儿园全部竣工验收，全年新增公办幼儿园学位1236个，超额完成目标。国家学前教育普及普惠县创建材料已报送。', done: [4], spent: 0.98, actual: 1.03, final: true, photo: photo('改扩建幼儿园竣工验收', 4) },
    ],
  },
  普惠托育扩容: {
    username: 'weijian', location: '东华街道', schedule: 'quarterly', hue: 330,
    targets: [{ metric: '新增普惠托位', unit: '个', target: 300 }, { metric: '每千人口3岁以下婴幼儿托位数', unit: '个', target: 3.59 }],
    milestones: [
      { title: '确定托育机构布点和运营主体', due: '2023-03-31', weight: 1 },
      { title: '完成5家托育机构装修改造', due: '2023-07-31', weight: 3 },
      { title: '新增托位全部开放招生', due: '2023-10-31', weight: 3 },
      { title: '完成托育服务质量评估', due: '2023-12-15', weight: 1 },
    ],
    reports: [
      { narrative: '确定依托幼儿园、社区服务中心和用人单位建设的5家普惠托育机构布点，签订运营协议。', done: [1], spent: 0.1, actual: 0.1, photo: photo('东华街道托育中心选址', 1) },
      { narrative: '5家托育机构装修改造全部开工，其中2家已完工并通过消防验收。托育从业人员培训完成首期60人。', spent: 0.42, actual: 0.35, photo: photo('托育机构装修改造', 2) },
      { narrative: '5家托育机构装修改造全部完成，新增托位310个已开放招生，入托率达到72%。', done: [2, 3], spent: 0.8, actual: 1.0, photo: photo('普惠托育中心开班', 3) },
      { narrative: '完成托育服务质量评估，每千人口3岁以下婴幼儿托位数达到3.62个。全年新增普惠托位310个，目标全部完成。', done: [4], spent: 0.97, actual: 1.02, final: true, photo: photo('托育服务质量评估', 4) },
    ],
  },
  老旧小区改造提升: {
    username: 'zhujian', location: '龙洲街道', schedule: 'quarterly', hue: 25,
    targets: [{ metric: '完成老旧小区改造', unit: '个', target: 8 }, { metric: '惠及居民', unit: '户', target: 2100 }, { metric: '加装电梯', unit: '部', target: 24 }],
    milestones: [
      { title: '完成8个小区改造方案和居民意见征询', due: '2023-03-15', weight: 1 },
      { title: '雨污分流和管线入地工程完工', due: '2023-06-30', weight: 3 },
      { title: '阳光小区等5个小区改造完工', due: '2023-09-30', weight: 3 },
      { title: '其余3个小区改造完工', due: '2023-12-15', weight: 3 },
    ],
    reports: [
      { narrative: '8个小区改造方案全部完成居民意见征询，同意率均超过90%。阳光小区、荣昌小区开工。', done: [1], spent: 0.08, actual: 0, photo: photo('阳光小区居民意见征询会', 1) },
      { narrative: '8个小区雨污分流和管线入地工程完工，累计改造雨污管网12.6公里。', done: [2], spent: 0.37, actual: 0.2, photo: photo('雨污分流管网施工', 2) },
      { narrative: '阳光、荣昌、太平等5个小区改造完工，同步建成社区养老助餐点2个、托育点1个，加装电梯15部。', done: [3], spent: 0.69, actual: 0.62, photo: photo('阳光小区改造完工', 3) },
      { narrative: '东门、西湖2个小区改造完工，全年完成7个小区改造，惠及居民1860户，加装电梯21部。南苑小区因燃气管线迁改需与供气企业协调，改造推迟至2024年4月完工，已纳入2024年计划跟踪。', spent: 0.88, actual: 0.87, photo: photo('东门小区改造完工', 4) },
    ],
    returned: {
      index: 1,
      comment: '请补充各小区加装电梯的进度和居民意见征询情况，并附雨污分流施工的现场照片。',
      addition: '已签约加装电梯24部，其中9部开工，6部完成土建。施工期间设置临时便民通道，每周召开一次居民协调会。',
    },
  },
  农村公路提升: {
    username: 'jiaotong', location: '溪口镇', schedule: 'quarterly', hue: 95,
    targets: [{ metric: '新改建农村公路', unit: '公里', target: 10 }, { metric: '农村公路大中修', unit: '公里', target: 60 }, { metric: '改造危桥', unit: '座', target: 3 }],
    milestones: [
      { title: '完成项目立项和施工招标', due: '2023-03-31', weight: 1 },
      { title: '大中修30公里完工', due: '2023-06-30', weight: 2 },
      { title: '新改建农村公路10公里完工', due: '2023-10-31', weight: 3 },
      { title: '3座危桥改造完工', due: '2023-11-30', weight: 2 },
    ],
    planReturned: '请将3座危桥改造单列为里程碑，并在实施地点中写明主要路段所在乡镇。',
    reports: [
      { narrative: '完成溪口至庙下、沐尘至社阳等8条路段立项和施工招标，开工前完成沿线群众走访。', done: [1], spent: 0.1, actual: 0.05, photo: photo('溪口镇农村公路施工招标后进场', 1) },
      { narrative: '完成大中修34公里，超过半年目标。溪口镇枫林桥等3座危桥完成拆除重建设计。', done: [2], spent: 0.4, actual: 0.5, photo: photo('农村公路大中修路面摊铺', 2) },
      { narrative: '新改建农村公路完成7.2公里，大中修累计52公里。汛期加强施工路段安全防护，未发生安全事故。', spent: 0.7, actual: 0.82, photo: photo('新改建农村公路路基施工', 3) },
      { narrative: '新改建农村公路10.4公里、大中修61公里全部完工，3座危桥改造完成并通过荷载试验，全部交付使用。', done: [3, 4], spent: 0.99, actual: 1.02, final: true, photo: photo('枫林桥危桥改造完工通车', 4) },
    ],
  },
  山塘水库系统治理: {
    username: 'shuili', location: '罗家乡', schedule: 'monthly', hue: 185,
    targets: [{ metric: '完成山塘水库系统治理', unit: '座', target: 15 }],
    milestones: [
      { title: '完成安全鉴定和治理方案', due: '2023-02-28', weight: 1 },
      { title: '汛前完成8座除险加固', due: '2023-05-31', weight: 4 },
      { title: '其余7座完工', due: '2023-09-30', weight: 4 },
      { title: '竣工验收', due: '2023-10-31', weight: 1 },
    ],
    reports: [
      { narrative: '组织对15座山塘水库开展安全鉴定现场勘查，梳理隐患清单。', spent: 0.03, actual: 0 },
      { narrative: '15座山塘水库安全鉴定和“一库一策”治理方案全部完成并通过专家评审。', done: [1], spent: 0.08, actual: 0, photo: '罗家乡山塘安全鉴定现场（2023年2月）' },
      { narrative: '汛前除险加固工程全面开工，8座重点山塘进场施工。', spent: 0.2, actual: 0 },
      { narrative: '8座山塘坝体加固和溢洪道改造基本完成，正在进行放水设施更换。', spent: 0.38, actual: 0.3 },
      { narrative: '汛前8座山塘除险加固全部完工并通过蓄水验收，按时度汛。', done: [2], spent: 0.52, actual: 0.53, photo: '汛前除险加固完工的山塘（2023年5月）' },
      { narrative: '汛期落实山塘巡查责任人，完成其余7座山塘施工准备。', spent: 0.58, actual: 0.53 },
      { narrative: '其余7座山塘开工，生态护坡与库区清淤同步实施。', spent: 0.7, actual: 0.6 },
      { narrative: '5座山塘主体工程完工，2座进行溢洪道施工。', spent: 0.82, actual: 0.8 },
      { narrative: '其余7座山塘全部完工，15座山塘水库系统治理任务完成。', done: [3], spent: 0.93, actual: 1 },
      { narrative: '15座山塘水库通过竣工验收，建立“县—乡—村”三级巡查管护机制，项目按期完成。', done: [4], spent: 0.98, actual: 1, final: true, photo: '山塘水库竣工验收（2023年10月）' },
    ],
  },
  '15分钟品质文化生活圈': {
    username: 'wenguang', location: null, schedule: 'quarterly', hue: 275,
    targets: [{ metric: '15分钟品质文化生活圈覆盖率', unit: '%', target: 80 }, { metric: '新建城市书房、文化驿站', unit: '个', target: 10 }],
    milestones: [
      { title: '完成全县文化设施布点规划', due: '2023-03-31', weight: 1 },
      { title: '建成城市书房5个', due: '2023-06-30', weight: 2 },
      { title: '建成文化驿站5个', due: '2023-10-31', weight: 2 },
      { title: '生活圈覆盖率评估达标', due: '2023-12-15', weight: 1 },
    ],
    reports: [
      { narrative: '完成全县城乡社区文化设施摸底和布点规划，确定城市书房、文化驿站选址10处。', done: [1], spent: 0.12, actual: 0.6, photo: photo('城市书房选址踏勘', 1) },
      { narrative: '龙洲、东华等5个城市书房建成开放，每天开放12小时，借阅量累计1.8万册次。', done: [2], spent: 0.5, actual: 0.75, photo: photo('城市书房开放', 2) },
      { narrative: '湖镇、詹家等5个文化驿站建成，配套百姓健身房3个，组织“文化走亲”活动40场。', done: [3], spent: 0.85, actual: 0.95, photo: photo('乡镇文化驿站', 3) },
      { narrative: '第三方评估15分钟品质文化生活圈覆盖率达到82%，新建城市书房、文化驿站10个，目标全部完成。', done: [4], spent: 0.98, actual: 1.03, final: true, photo: photo('文化驿站群众活动', 4) },
    ],
  },
  妇女儿童医院和健康产业中心建设: {
    username: 'weijian', location: '东华街道', schedule: 'quarterly', hue: 0, annualYuan: 150_000_000,
    targets: [{ metric: '医院主体工程形象进度', unit: '%', target: 100 }, { metric: '健康产业中心主体工程形象进度', unit: '%', target: 100 }],
    milestones: [
      { title: '妇女儿童医院主体结构封顶', due: '2023-05-31', weight: 3 },
      { title: '健康产业中心主体结构封顶', due: '2023-07-31', weight: 2 },
      { title: '医院内部装修和医疗设备安装', due: '2023-11-30', weight: 3 },
      { title: '竣工验收', due: '2023-12-31', weight: 2 },
    ],
    revision: {
      reason: '受5—6月连续强降雨影响，医院主体结构封顶推迟至7月中旬，健康产业中心封顶顺延至9月，年度计划投资相应调增3000万元。',
      dues: { 1: '2023-07-20', 2: '2023-09-30' },
      annualYuan: 180_000_000,
    },
    reports: [
      { narrative: '医院主体结构施工至第9层，健康产业中心完成基础工程。', spent: 0.18, actual: 0.45, photo: photo('妇女儿童医院主体结构施工', 1) },
      { narrative: '5—6月连续强降雨，土方和混凝土浇筑多次停工，医院主体结构施工至第14层，封顶节点推迟，已申请调整计划。', spent: 0.36, actual: 0.65, photo: photo('雨后复工的医院工地', 2) },
      { narrative: '医院主体结构于7月18日封顶，健康产业中心于9月26日封顶。医院内部装修和机电安装同步展开。', done: [1, 2], spent: 0.62, actual: 0.85, photo: photo('妇女儿童医院主体结构封顶', 3) },
      { narrative: '医院内部装修和医疗设备安装基本完成，健康产业中心外立面施工中。受前期工期延误影响，竣工验收推迟至2024年第二季度，已制定倒排工期计划。', done: [3], spent: 0.86, actual: 0.93, photo: photo('医院内部装修', 4) },
    ],
  },
  '居家养老与“浙里康养”': {
    username: 'minzheng', location: '湖镇镇', schedule: 'quarterly', hue: 45,
    targets: [{ metric: '建成乡镇（街道）居家养老服务照护中心', unit: '家', target: 3 }, { metric: '“爱心卡”惠及老人', unit: '人', target: 12000 }],
    milestones: [
      { title: '“爱心卡”发放系统上线', due: '2023-03-31', weight: 1 },
      { title: '湖镇镇照护中心建成运营', due: '2023-06-30', weight: 2 },
      { title: '詹家镇、横山镇照护中心建成运营', due: '2023-10-31', weight: 2 },
      { title: '“浙里康养”应用全县推广', due: '2023-12-15', weight: 1 },
    ],
    reports: [
      { narrative: '“爱心卡”发放系统上线，首批发放4200张，80周岁以上老人可在助餐点刷卡用餐。', done: [1], spent: 0.15, actual: 0.35, photo: photo('“爱心卡”首批发放', 1) },
      { narrative: '湖镇镇居家养老服务照护中心建成运营，设置床位30张，提供日间照料、助餐和康复服务。', done: [2], spent: 0.45, actual: 0.55, photo: photo('湖镇镇照护中心', 2) },
      { narrative: '詹家镇、横山镇照护中心建成运营，助餐、助洁、助医服务覆盖全县15个乡镇（街道）。', done: [3], spent: 0.8, actual: 0.85, photo: photo('横山镇照护中心助餐服务', 3) },
      { narrative: '“浙里康养”应用在全县推广，累计发放“爱心卡”1.26万张。3家照护中心全部运营，目标全部完成。', done: [4], spent: 0.99, actual: 1.05, final: true, photo: photo('“浙里康养”应用推广', 4) },
    ],
  },
  生活垃圾分类收运: {
    username: 'zhifa', location: null, schedule: 'quarterly', hue: 140,
    targets: [{ metric: '城乡生活垃圾回收利用率', unit: '%', target: 60 }, { metric: '再生资源回收站点', unit: '个', target: 50 }],
    milestones: [
      { title: '调整分类收运车辆和线路', due: '2023-03-31', weight: 1 },
      { title: '建成再生资源回收站点50个', due: '2023-08-31', weight: 2 },
      { title: '分类收运管理体系全面运行', due: '2023-11-30', weight: 2 },
    ],
    reports: [
      { narrative: '新增分类收运车辆12辆，按厨余、其他、可回收、有害四类重新规划收运线路。', done: [1], spent: 0.25, actual: 0.4, photo: photo('分类收运车辆', 1) },
      { narrative: '建成再生资源回收站点28个，开展“垃圾分类进小区”宣传120场。', spent: 0.5, actual: 0.6, photo: photo('再生资源回收站点', 2) },
      { narrative: '50个再生资源回收站点全部建成，回收利用率提升至55%。', done: [2], spent: 0.75, actual: 0.9, photo: photo('小区分类投放点', 3) },
      { narrative: '分类收运管理体系全面运行，城乡生活垃圾回收利用率达到61%，目标完成。', done: [3], spent: 0.97, actual: 1.02, final: true, photo: photo('分类收运中转站', 4) },
    ],
  },
  饮用水水源地保护: {
    username: 'shengtai', location: '社阳乡', schedule: 'quarterly', hue: 220,
    targets: [{ metric: '县级以上集中式饮用水水源地水质达标率', unit: '%', target: 100 }, { metric: '完成风险隐患整治', unit: '处', target: 20 }],
    milestones: [
      { title: '完成保护区勘界立标', due: '2023-04-30', weight: 1 },
      { title: '建成隔离防护设施', due: '2023-08-31', weight: 2 },
      { title: '风险隐患整治全部完成', due: '2023-11-30', weight: 2 },
    ],
    reports: [
      { narrative: '完成社阳水库水源保护区勘界，设置界标、警示牌46块，排查风险隐患20处。', done: [1], spent: 0.2, actual: 0.3, photo: photo('水源保护区界标', 1) },
      { narrative: '一级保护区隔离围网建设完成8.5公里，整治风险隐患9处。', done: [2], spent: 0.55, actual: 0.55, photo: photo('保护区隔离防护设施', 2) },
      { narrative: '20处风险隐患全部整治销号，水源地水质连续9个月稳定达标。', done: [3], spent: 0.9, actual: 1 },
      { narrative: '全年水源地水质达标率100%，建成水质自动监测站1座，项目全部完成，报请验收。', spent: 0.98, actual: 1, final: true, photo: photo('水质自动监测站', 4) },
    ],
    finalPending: true,
  },
};

/** The lead departments' demo accounts besides jiaoyu (教育局), one per department of the ten 2023 projects. */
export const DEPARTMENT_ACCOUNTS: readonly { username: string; department: string }[] = [
  { username: 'weijian', department: '卫生健康局' },
  { username: 'zhujian', department: '住房和城乡建设局' },
  { username: 'jiaotong', department: '交通运输局' },
  { username: 'shuili', department: '水利局' },
  { username: 'wenguang', department: '文化和广电旅游体育局' },
  { username: 'minzheng', department: '民政局' },
  { username: 'zhifa', department: '综合行政执法局' },
  { username: 'shengtai', department: '生态环境分局' },
];
