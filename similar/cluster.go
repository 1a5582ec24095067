package similar

import "sort"

// Item is one application for the cluster search: its applicant (identity document type and
// number) and its description.
type Item struct {
	Applicant   string
	Description string
}

// Clusters groups items that ask for the same information (Same, joined transitively) and
// returns the groups with at least minApplicants different applicants, each as the indexes of its
// items in order, largest groups first (Art. 44: several applicants asking for the same
// information; docs/rules.md §8).
//
// It compares only candidate pairs, never all pairs: two descriptions of the same information
// name the same numbers, so items are first grouped by Numbers; within a group an inverted index
// of bigrams yields the candidates of an item — the items sharing one of its prefix bigrams,
// taken rarest first (prefix filtering: two bigram sets with a Dice coefficient of at least t
// share at least one of the first |A| − ⌈|A|·t/(2−t)⌉ + 1 bigrams of A in any fixed order).
func Clusters(items []Item, minApplicants int) [][]int {
	fps := make([]Fingerprint, len(items))
	byNumbers := map[string][]int{}
	for i, it := range items {
		fps[i] = Of(it.Description)
		byNumbers[fps[i].Numbers] = append(byNumbers[fps[i].Numbers], i)
	}
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	ratio := Threshold / (2 - Threshold)
	for _, group := range byNumbers {
		if len(group) < 2 {
			continue
		}
		freq := map[string]int{}
		for _, i := range group {
			for g := range fps[i].Bigrams {
				freq[g]++
			}
		}
		index := map[string][]int{}
		for _, i := range group {
			grams := make([]string, 0, len(fps[i].Bigrams))
			for g := range fps[i].Bigrams {
				grams = append(grams, g)
			}
			sort.Slice(grams, func(a, b int) bool {
				if freq[grams[a]] != freq[grams[b]] {
					return freq[grams[a]] < freq[grams[b]]
				}
				return grams[a] < grams[b]
			})
			need := len(grams) - int(ceil(float64(len(grams))*ratio)) + 1
			if need > len(grams) {
				need = len(grams)
			}
			seen := map[int]bool{}
			for _, g := range grams[:need] {
				for _, j := range index[g] {
					if seen[j] || find(i) == find(j) {
						continue
					}
					seen[j] = true
					if Same(fps[i], fps[j]) {
						parent[find(i)] = find(j)
					}
				}
			}
			for _, g := range grams[:need] {
				index[g] = append(index[g], i)
			}
		}
	}
	members := map[int][]int{}
	for i := range items {
		members[find(i)] = append(members[find(i)], i)
	}
	var out [][]int
	for _, m := range members {
		applicants := map[string]bool{}
		for _, i := range m {
			applicants[items[i].Applicant] = true
		}
		if len(applicants) >= minApplicants {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if len(out[a]) != len(out[b]) {
			return len(out[a]) > len(out[b])
		}
		return out[a][0] < out[b][0]
	})
	return out
}

func ceil(x float64) float64 {
	n := float64(int(x))
	if n < x {
		return n + 1
	}
	return n
}
