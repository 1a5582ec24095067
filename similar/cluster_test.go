package similar

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// Art. 44 (docs/rules.md §8): three or more different applicants asking for the same information
// form a cluster; the same applicant asking three times does not; near misses stay apart.
func TestArt44_Clusters(t *testing.T) {
	items := []Item{
		{"resident_id:A", "申请公开清溪区2025年度城市更新项目的立项批复文件。"},
		{"resident_id:B", "请提供清溪区2025年城市更新项目立项批复。"},
		{"resident_id:C", "2025年度清溪区城市更新项目立项的批复文件全文"},
		{"resident_id:D", "申请公开清溪区2024年度城市更新项目的立项批复文件。"}, // another year
		{"resident_id:E", "申请公开本区2025年财政预算执行情况报告全文。"},
		{"resident_id:E", "请公开2025年本区财政预算执行情况的报告"},
		{"resident_id:E", "本区2025年度财政预算执行情况报告"}, // one applicant three times
		{"resident_id:F", "申请公开本区2025年财政预算执行情况报告全文。"},
	}
	got := Clusters(items, 3)
	if len(got) != 1 || fmt.Sprint(got[0]) != "[0 1 2]" {
		t.Fatalf("clusters %v, want [[0 1 2]]", got)
	}
	if got := Clusters(items, 2); len(got) != 2 {
		t.Errorf("with two applicants: %v", got)
	}
}

// The candidate search is an index, not a comparison of all pairs: 50,000 descriptions (a
// district's year and more) cluster in seconds.
func TestClustersScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	places := []string{"清溪区", "望城区", "高塘岭街道", "月亮岛街道", "白沙路", "太平街", "梅溪湖片区", "洋湖片区", "金星路", "银杉路"}
	things := []string{"城市更新项目的立项批复", "财政预算执行情况报告", "控制性详细规划", "建设用地规划许可证", "环境影响评价报告及批复",
		"低保资金发放明细", "征地批复文件", "招标文件及中标结果", "竣工验收报告", "防汛应急预案", "部门预算", "安全生产检查计划"}
	n := 50000
	if testing.Short() {
		n = 20000
	}
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{fmt.Sprintf("resident_id:%d", rng.IntN(n/3)),
			fmt.Sprintf("申请公开%s%d年度第%d号%s", places[rng.IntN(len(places))], 2000+rng.IntN(26), rng.IntN(300), things[rng.IntN(len(things))])}
	}
	start := time.Now()
	cl := Clusters(items, 3)
	took := time.Since(start)
	t.Logf("%d descriptions: %d clusters in %s", n, len(cl), took)
	if took > 60*time.Second {
		t.Errorf("clustering %d descriptions took %s", n, took)
	}
}
