import type { CandidateInput } from '../meetings/rules.ts';

/**
 * Illustrative candidate projects. The 2023 names, departments and targets follow the 2023 Longyou
 * County government work report (the seed); budgets, officials and wording are invented for the demo.
 */
export const CANDIDATES_2023: CandidateInput[] = [
  {
    name: '学前教育扩容提质', category: 'science-education', leadDepartment: '教育局', coDepartments: ['住房和城乡建设局', '财政局'],
    leadOfficial: '副县长 周立新', totalInvestmentYuan: 186_000_000, deadline: '2023-12-31',
    targets: ['新增公办幼儿园学位1200个', '创成国家学前教育普及普惠县'],
    description: '新建、改扩建公办幼儿园，扩大普惠性学前教育资源供给，缓解城区“入园难”。\n\n同步推进幼儿园保教质量评估，提升乡镇中心幼儿园办园水平。',
  },
  {
    name: '普惠托育扩容', category: 'health', leadDepartment: '卫生健康局', coDepartments: ['教育局', '妇联'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 32_000_000, deadline: '2023-12-31',
    targets: ['每千人口3岁以下婴幼儿托位数达到3.59个', '新增普惠托位300个'],
    description: '依托幼儿园、社区服务中心和用人单位建设普惠托育机构，发展托幼一体化服务，减轻家庭养育负担。',
  },
  {
    name: '公共场所无障碍改造', category: 'social-security', leadDepartment: '残联', coDepartments: ['住房和城乡建设局'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 8_500_000, deadline: '2023-11-30',
    targets: ['完成12个公共场所无障碍改造'],
    description: '对政务服务中心、医院、车站、公园等人员密集公共场所的出入口、通道、卫生间和标识进行无障碍改造。',
  },
  {
    name: '老旧小区改造提升', category: 'housing', leadDepartment: '住房和城乡建设局', coDepartments: ['龙洲街道', '东华街道'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 124_000_000, deadline: '2023-12-31',
    targets: ['完成阳光等老旧小区改造8个', '惠及居民2100户'],
    description: '实施老旧小区雨污分流、管线入地、加装电梯、停车和绿化等综合改造，同步完善社区养老、托育等公共服务设施。',
  },
  {
    name: '农村公路提升', category: 'rural-revitalisation', leadDepartment: '交通运输局', coDepartments: ['财政局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 96_000_000, deadline: '2023-12-31',
    targets: ['新改建农村公路10公里', '大中修60公里', '改造危桥3座'],
    description: '推进“四好农村路”建设，改善山区乡镇通行条件，提升农村公路安全保障水平。',
  },
  {
    name: '山塘水库系统治理', category: 'environment', leadDepartment: '水利局', coDepartments: ['财政局', '自然资源和规划局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 45_000_000, deadline: '2023-10-31',
    targets: ['完成15座山塘水库系统治理'],
    description: '对存在安全隐患的山塘、小型水库进行除险加固和生态化改造，保障汛期安全和农业灌溉。',
  },
  {
    name: '15分钟品质文化生活圈', category: 'culture-sports', leadDepartment: '文化和广电旅游体育局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 28_000_000, deadline: '2023-12-31',
    targets: ['15分钟品质文化生活圈覆盖率达到80%', '新建城市书房、文化驿站10个'],
    description: '在城乡社区布局城市书房、文化驿站、百姓健身房等文化体育设施，让群众步行15分钟可达。',
  },
  {
    name: '妇女儿童医院和健康产业中心建设', category: 'health', leadDepartment: '卫生健康局', coDepartments: ['发展和改革局'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 382_000_000, deadline: '2023-12-31',
    targets: ['龙游妇女儿童医院完工', '健康产业中心完工'],
    description: '完成龙游妇女儿童医院和健康产业中心主体及配套工程，提升妇幼健康服务能力。',
  },
  {
    name: '城市智慧停车', category: 'urban-management', leadDepartment: '综合行政执法局', coDepartments: ['公安局交警大队'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 15_000_000, deadline: '2023-12-31',
    targets: ['迭代升级智慧停车应用', '新增公共停车泊位1000个'],
    description: '整合城区公共停车资源，实现泊位查询、预约、无感支付一体化，缓解停车难。',
  },
  {
    name: '居家养老与“浙里康养”', category: 'social-security', leadDepartment: '民政局', coDepartments: ['卫生健康局'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 26_000_000, deadline: '2023-12-31',
    targets: ['建成乡镇（街道）居家养老服务照护中心3家', '发放“爱心卡”惠及老人1.2万人'],
    description: '完善居家社区养老服务网络，推进“浙里康养”应用，为高龄、失能老人提供助餐、助洁、助医服务。',
  },
  {
    name: '生活垃圾分类收运', category: 'urban-management', leadDepartment: '综合行政执法局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 22_000_000, deadline: '2023-12-31',
    targets: ['建成生活垃圾分类收运管理体系', '城乡生活垃圾回收利用率达到60%'],
    description: '完善分类投放、分类收集、分类运输、分类处理体系，建设再生资源回收站点。',
  },
  {
    name: '饮用水水源地保护', category: 'environment', leadDepartment: '生态环境分局', coDepartments: ['水利局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 18_000_000, deadline: '2023-12-31',
    targets: ['县级以上集中式饮用水水源地水质达标率100%'],
    description: '开展饮用水水源保护区规范化建设和风险隐患排查整治，保障群众饮水安全。',
  },
];

/** The current (2024) meeting's candidates: wholly illustrative. */
export const CANDIDATES_2024: CandidateInput[] = [
  {
    name: '城乡供水一体化提升', category: 'rural-revitalisation', leadDepartment: '水利局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 88_000_000, deadline: '2024-12-31',
    targets: ['新建改造供水管网60公里', '农村规模化供水人口覆盖率达到90%'],
    description: '推进城乡同源、同网、同质供水，改造老旧管网，提升山区农村供水保障水平。',
  },
  {
    name: '中小学“阳光厨房”全覆盖', category: 'science-education', leadDepartment: '教育局', coDepartments: ['市场监督管理局'],
    leadOfficial: '副县长 周立新', totalInvestmentYuan: 6_000_000, deadline: '2024-09-30',
    targets: ['全县中小学食堂“阳光厨房”覆盖率100%'],
    description: '对中小学食堂实施明厨亮灶和智慧监管改造，家长可在线查看后厨操作。',
  },
  {
    name: '老年助餐服务扩面', category: 'social-security', leadDepartment: '民政局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 12_000_000, deadline: '2024-12-31',
    targets: ['新建老年食堂（助餐点）30个', '城乡助餐服务覆盖率达到85%'],
    description: '依托居家养老服务中心和村级照料中心建设老年食堂，为高龄、独居老人提供助餐和送餐服务。',
  },
  {
    name: '基层卫生院服务能力提升', category: 'health', leadDepartment: '卫生健康局', coDepartments: ['医疗保障局'],
    leadOfficial: '副县长 叶晓燕', totalInvestmentYuan: 54_000_000, deadline: '2024-12-31',
    targets: ['完成5家乡镇卫生院提升改造', '县域就诊率达到90%'],
    description: '改善乡镇卫生院诊疗条件，推进县级医院专家下沉和远程会诊，让群众在家门口看好病。',
  },
  {
    name: '城区公交线网优化', category: 'public-transport', leadDepartment: '交通运输局', coDepartments: ['综合行政执法局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 20_000_000, deadline: '2024-11-30',
    targets: ['优化调整公交线路8条', '更新新能源公交车30辆'],
    description: '优化城区公交线网和站点布局，开通学校、医院专线，提升公交出行分担率。',
  },
  {
    name: '农村生活污水治理提标', category: 'environment', leadDepartment: '生态环境分局', coDepartments: ['住房和城乡建设局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 40_000_000, deadline: '2024-12-31',
    targets: ['完成农村生活污水处理设施标准化运维改造80处'],
    description: '对农村生活污水处理设施提标改造，建立专业化运维机制，出水水质稳定达标。',
  },
  {
    name: '全民健身设施补短板', category: 'culture-sports', leadDepartment: '文化和广电旅游体育局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 16_000_000, deadline: '2024-12-31',
    targets: ['新建百姓健身房10个', '新建（改造）村级健身场地40处'],
    description: '补齐城乡健身设施短板，推动学校体育场馆向社会开放。',
  },
  {
    name: '困难群众住房安全保障', category: 'housing', leadDepartment: '住房和城乡建设局', coDepartments: ['民政局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 9_000_000, deadline: '2024-10-31',
    targets: ['完成农村困难家庭危房改造120户'],
    description: '对低保、低边和特困家庭的危旧住房实施改造，确保住房安全有保障。',
  },
  {
    name: '零工市场与家门口就业服务站', category: 'employment', leadDepartment: '人力资源和社会保障局', coDepartments: ['各乡镇（街道）'],
    leadOfficial: '副县长 周立新', totalInvestmentYuan: 3_500_000, deadline: '2024-09-30',
    targets: ['建成县级零工市场1个', '建成家门口就业服务站20个'],
    description: '为灵活就业人员提供岗位发布、技能培训和权益保障服务，促进就近就业。',
  },
  {
    name: '电动自行车集中充电设施建设', category: 'public-safety', leadDepartment: '消防救援大队', coDepartments: ['住房和城乡建设局', '各乡镇（街道）'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 7_000_000, deadline: '2024-08-31',
    targets: ['新建电动自行车集中充电桩5000个'],
    description: '在住宅小区和城中村建设集中停放充电场所，从源头减少电动自行车火灾隐患。',
  },
  {
    name: '农贸市场改造提升', category: 'urban-management', leadDepartment: '市场监督管理局', coDepartments: ['商务局'],
    leadOfficial: '副县长 方敏', totalInvestmentYuan: 25_000_000, deadline: '2024-12-31',
    targets: ['完成农贸市场改造提升6家'],
    description: '改善农贸市场购物环境和食品安全管理，推行智慧农贸和农残快检公示。',
  },
  {
    name: '背街小巷综合整治', category: 'municipal-construction', leadDepartment: '住房和城乡建设局', coDepartments: ['综合行政执法局'],
    leadOfficial: '副县长 徐建国', totalInvestmentYuan: 30_000_000, deadline: '2024-12-31',
    targets: ['完成背街小巷整治40条'],
    description: '整治城区背街小巷的路面、管线、照明和立面，补齐城市精细化管理短板。',
  },
];
