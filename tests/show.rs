//! `show` and `changes` on the shipped seed data (data/), with figures
//! checked by hand against data/claims.csv.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Test, repo};

/// Runs `show` on the seed data and parses its JSON.
fn show_json(metric: &str, as_of: Option<&str>) -> Value {
    let mut args = vec!["show", metric, "--format", "json"];
    if let Some(day) = as_of {
        args.extend(["--as-of", day]);
    }
    let run = Test::new().seed_data().args(args).run().code(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{metric}: {e}\n{}", run.stdout))
}

// kp_troops_kursk as of 2024-11-05. Known origin claims (claimed end ≤ 11-05):
// - blinken_kursk_2024_10 (us_state, United States): up_to 8,000, 21–31 Oct
//   -> interval [0, 8000], point 8000, stated 8000.
// - zelensky_kursk_2024_11_04 (ua_president, Ukraine): exact 11,000, 4 Nov
//   -> [11000, 11000]; zelensky_kursk_2024_11_04_bi repeats it (not a claim).
// - ryder_kursk_2024_11_04 (us_dod, United States): at_least 10,000, 4 Nov
//   -> [10000, +inf), point 10000.
// The March 2025 claims are not known yet. One current claim per source: 3.
// Range over stated numbers {8000, 11000, 10000}: 8,000–11,000; median of
// points {8000, 10000, 11000} = 10,000; 3 sources, 2 affiliations.
// Consensus (DESIGN 2: estimates only, at least two overlapping): the one
// estimate is Zelensky's 11,000, a single estimate -> no consensus,
// `estimates` 1. Bounds: floor 10,000 (Ryder), ceiling 8,000 (Blinken),
// above each other; no consensus to be consistent with -> null counts.
#[test]
fn kursk_as_of_2024_11_05_by_hand() {
    let json = show_json("kp_troops_kursk", Some("2024-11-05"));
    assert_eq!(json["metric"], "kp_troops_kursk");
    assert_eq!(json["as_of"], "2024-11-05");
    let range = &json["range"];
    assert_eq!(
        (&range["low"], &range["high"]),
        (&Value::from(8000), &Value::from(11000))
    );
    assert_eq!(range["median"], 10000);
    assert_eq!(
        (&range["sources"], &range["affiliations"]),
        (&Value::from(3), &Value::from(2))
    );
    assert_eq!(json["consensus"], Value::Null);
    assert_eq!(json["estimates"], 1);
    assert_eq!(json["tied"], Value::Array(vec![]));
    let bounds = &json["bounds"];
    assert_eq!(bounds["floor"], 10000);
    assert_eq!(bounds["floor_claim"], "ryder_kursk_2024_11_04");
    assert_eq!(
        (&bounds["floors"], &bounds["floors_consistent"]),
        (&Value::from(1), &Value::Null)
    );
    assert_eq!(bounds["ceiling"], 8000);
    assert_eq!(bounds["ceiling_claim"], "blinken_kursk_2024_10");
    assert_eq!(
        (&bounds["ceilings"], &bounds["ceilings_consistent"]),
        (&Value::from(1), &Value::Null)
    );
    assert_eq!(bounds["floor_above_ceiling"], true);
    let claims = json["claims"].as_array().unwrap();
    let ids: Vec<&str> = claims.iter().map(|c| c["id"].as_str().unwrap()).collect();
    // In sources.csv order (DESIGN §4): ua_president, us_state, us_dod.
    assert_eq!(
        ids,
        [
            "zelensky_kursk_2024_11_04",
            "blinken_kursk_2024_10",
            "ryder_kursk_2024_11_04"
        ]
    );
    // The open bound of "at least 10,000" is null; "up to" starts at 0.
    assert_eq!(claims[2]["high"], Value::Null);
    assert_eq!(
        (&claims[1]["low"], &claims[1]["high"]),
        (&Value::from(0), &Value::from(8000))
    );
    assert_eq!(claims[1]["claimed"], "2024-10-21/2024-10-31");
    assert!(claims.iter().all(|c| c["stale"] == false));
}

// DESIGN 2's worked example, Kursk as of 2025-03-07: estimates 11,000
// (exact), about 11,000 (9,900–12,100), about 8,000 (7,200–8,800) ->
// consensus 11,000, 2 of 3 estimates from 2 affiliations (Ukraine, South
// Korea); floor 10,000 (Pentagon), consistent; ceiling 8,000 (Blinken), in
// conflict (and below the floor).
#[test]
fn kursk_worked_example() {
    let json = show_json("kp_troops_kursk", None);
    assert_eq!(json["as_of"], "2025-03-07");
    assert_eq!(json["estimates"], 3);
    assert_eq!(json["tied"], Value::Array(vec![]));
    let c = &json["consensus"];
    assert_eq!(
        (
            &c["low"],
            &c["high"],
            &c["support"],
            &c["of"],
            &c["affiliations"]
        ),
        (
            &Value::from(11000),
            &Value::from(11000),
            &Value::from(2),
            &Value::from(3),
            &Value::from(2)
        )
    );
    // The approx claims' intervals are exact decimals.
    let claims = json["claims"].as_array().unwrap();
    let agency = claims
        .iter()
        .find(|c| c["id"] == "kr_agency_kursk_2025_03")
        .unwrap();
    assert_eq!(
        (&agency["low"], &agency["high"]),
        (&Value::from(9900), &Value::from(12100))
    );
    let text = Test::new()
        .seed_data()
        .args(["show", "kp_troops_kursk"])
        .run()
        .code(0)
        .stdout;
    assert!(
        text.contains("consensus: 11,000 (2 of 3 estimates)\n"),
        "{text}"
    );
    let b = &json["bounds"];
    assert_eq!(
        (&b["floor"], &b["floor_claim"], &b["floors_consistent"]),
        (
            &Value::from(10000),
            &Value::from("ryder_kursk_2024_11_04"),
            &Value::from(1)
        )
    );
    assert_eq!(
        (
            &b["ceiling"],
            &b["ceiling_claim"],
            &b["ceilings_consistent"]
        ),
        (
            &Value::from(8000),
            &Value::from("blinken_kursk_2024_10"),
            &Value::from(0)
        )
    );
}

// DESIGN 2's worked example, troops being prepared: a single estimate,
// about 10,000 (9,000–11,000), so no consensus — said in words.
#[test]
fn preparing_is_a_single_estimate() {
    let json = show_json("kp_troops_preparing", None);
    assert_eq!(json["consensus"], Value::Null);
    assert_eq!(json["estimates"], 1);
    let run = Test::new()
        .seed_data()
        .args(["show", "kp_troops_preparing"])
        .run()
        .code(0);
    assert!(
        run.stdout
            .contains("consensus: none: a single estimate, about 10,000 (9,000–11,000)\n"),
        "{}",
        run.stdout
    );
}

// kp_troops_russia at the default day (2025-03-07): current claims are the
// denial [0,0], HUR approx 12,000 [10800,13200] (24 Oct beats 1–23 Oct),
// Pentagon up_to 12,000 [0,12000] and the Western official's 10,000.
// Range 0–12,000; median of {0, 10000, 12000, 12000} = 11,000. DESIGN 2's
// worked example: the estimates 10,000, 10,800–13,200 and 0 overlap
// nowhere -> no consensus; the ceiling 12,000 is reported beside it.
#[test]
fn russia_has_no_consensus() {
    let json = show_json("kp_troops_russia", None);
    assert_eq!(json["as_of"], "2025-03-07");
    assert_eq!(json["range"]["low"], 0);
    assert_eq!(json["range"]["high"], 12000);
    assert_eq!(json["range"]["median"], 11000);
    assert_eq!(json["consensus"], Value::Null);
    // Three estimates, no two overlapping: not a tie.
    assert_eq!(json["estimates"], 3);
    assert_eq!(json["tied"], Value::Array(vec![]));
    let b = &json["bounds"];
    assert_eq!(
        (&b["ceiling"], &b["ceiling_claim"], &b["ceilings"]),
        (
            &Value::from(12000),
            &Value::from("ryder_russia_2024_11_04"),
            &Value::from(1)
        )
    );
    assert_eq!(b["ceilings_consistent"], Value::Null);
    assert_eq!((&b["floor"], &b["floors"]), (&Value::Null, &Value::from(0)));
}

// Every metric of metrics.csv gives one JSON object with the DESIGN 4 keys.
#[test]
fn json_keys_for_every_metric() {
    let metrics = std::fs::read_to_string(repo().join("data/metrics.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(metrics.as_bytes());
    let id = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "id")
        .unwrap();
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    let set = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let mut seen = 0;
    for record in reader.records() {
        let metric = record.unwrap()[id].to_string();
        let json = show_json(&metric, None);
        assert_eq!(
            keys(&json),
            set(&[
                "metric",
                "as_of",
                "estimates",
                "range",
                "consensus",
                "tied",
                "bounds",
                "claims"
            ])
        );
        assert_eq!(json["metric"], metric.as_str());
        if !json["range"].is_null() {
            assert_eq!(
                keys(&json["range"]),
                set(&["low", "high", "median", "sources", "affiliations"])
            );
        }
        if !json["consensus"].is_null() {
            assert_eq!(
                keys(&json["consensus"]),
                set(&["low", "high", "support", "of", "affiliations"])
            );
        }
        assert_eq!(
            keys(&json["bounds"]),
            set(&[
                "floor",
                "floor_claim",
                "floors",
                "floors_consistent",
                "ceiling",
                "ceiling_claim",
                "ceilings",
                "ceilings_consistent",
                "floor_above_ceiling"
            ])
        );
        for claim in json["claims"].as_array().unwrap() {
            let expected = [
                "id",
                "source",
                "affiliation",
                "qualifier",
                "low",
                "high",
                "point",
                "central",
                "claimed",
                "refers_to",
                "stale",
                "derived",
                "corroboration",
                "alternatives",
            ];
            assert_eq!(keys(claim), set(&expected));
        }
        seen += 1;
    }
    assert!(seen >= 2, "metrics.csv lists {seen} metrics");
}

// Before any claim the view is a clear message, and JSON has nulls.
#[test]
fn empty_view() {
    Test::new()
        .seed_data()
        .args(["show", "kp_troops_russia", "--as-of", "2024-10-01"])
        .run()
        .code(0)
        .stdout("kp_troops_russia: North Korean troops in Russia (troops), as of 2024-10-01\nno claim known as of 2024-10-01\n");
    let json = show_json("kp_troops_russia", Some("2024-10-01"));
    assert!(json["range"].is_null() && json["consensus"].is_null());
    assert_eq!(json["claims"], Value::Array(vec![]));
}

// An unknown metric is a usage error naming the five nearest known ones
// (by edit distance, ties by id) and how many others there are.
#[test]
fn unknown_metric() {
    Test::new()
        .seed_data()
        .args(["show", "kp_troops_kurks"])
        .run()
        .code(2)
        .stderr(
            "error: unknown metric \"kp_troops_kurks\" (nearest known: kp_troops_kursk, \
             kp_troops_russia, kp_troops_preparing, kp_first_group_kursk, kp_training_bases; \
             3 more)\n",
        );
}

// changes on Kursk from 2024-11-05 to 2025-03-07: two new March claims, no
// revisions (their sources had no claim before), range 8,000–11,000 ->
// 8,000–11,000 with 5 sources.
#[test]
fn changes_json() {
    let run = Test::new()
        .seed_data()
        .args(["changes", "--since", "2024-11-05", "--format", "json"])
        .run()
        .code(0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let all = json.as_array().unwrap();
    let kursk = all
        .iter()
        .find(|m| m["metric"] == "kp_troops_kursk")
        .unwrap();
    let new: Vec<&str> = kursk["new_claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["kr_agency_kursk_2025_03", "unnamed_kursk_2025_03"]);
    assert_eq!(kursk["revisions"], Value::Array(vec![]));
    assert_eq!(kursk["range_before"]["sources"], 3);
    assert_eq!(kursk["range_after"]["sources"], 5);
    assert_eq!(kursk["as_of"], "2025-03-07");
}

// A further report counts as of D only when published by D (DESIGN 2):
// Business Insider's repeat of Zelensky's 11,000 was published 5–10 Nov
// 2024, so it is listed as of 10 Nov and not as of 5 Nov.
#[test]
fn further_reports_as_of_their_publication() {
    let line = |as_of: &str| {
        let run = Test::new()
            .seed_data()
            .args(["show", "kp_troops_kursk", "--as-of", as_of])
            .run()
            .code(0);
        run.stdout
            .lines()
            .find(|l| l.contains("zelensky_kursk_2024_11_04"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(!line("2024-11-05").contains("zelensky_kursk_2024_11_04_bi"));
    assert!(line("2024-11-10").contains("Business Insider (zelensky_kursk_2024_11_04_bi)"));
}

// changes states each new and revised claim as it was stated, like the
// report's tables: a range as its two numbers (its midpoint was printed,
// "range 3,000", a number nobody stated), bounds in words.
#[test]
fn changes_states_claims_as_stated() {
    let run = Test::new()
        .file(
            "data/metrics.csv",
            "id,label,unit,tolerance,description\ndead,Deaths,deaths,0.1,\n",
        )
        .file(
            "data/sources.csv",
            "id,name,affiliation,kind,reliability,notes\n\
             un,UN,UN,other,B,\nngo,NGO,NGO,other,C,\n",
        )
        .file(
            "data/claims.csv",
            "id,metric,claimed,source,qualifier,value,low,high,document,outlet,published,origin,quote,notes\n\
             u1,dead,2025-03-01,un,approx,2000,,,doc,,,,q,\n\
             n1,dead,2025-03-01,ngo,at_least,4000,,,doc,,,,q,\n\
             u2,dead,2025-03-15,un,range,,2500,3500,doc,,,,q,\n\
             n2,dead,2025-03-15,ngo,at_least,5000,,,doc,,,,q,\n",
        )
        .args(["changes", "--since", "2025-03-10"])
        .run()
        .code(0);
    let lines = |start: &str| -> Vec<&str> {
        let lines = run.stdout.lines().map(str::trim);
        lines.filter(|l| l.starts_with(start)).collect()
    };
    assert_eq!(
        lines("revision:"),
        [
            "revision: ngo: at least 4,000 → at least 5,000 (n1 → n2)",
            "revision: un: about 2,000 → 2,500–3,500 (u1 → u2)",
        ],
        "{}",
        run.stdout
    );
    assert_eq!(
        lines("new claim:"),
        [
            "new claim: ngo at least 5,000 on 2025-03-15 (n2)",
            "new claim: un 2,500–3,500 on 2025-03-15 (u2)",
        ],
        "{}",
        run.stdout
    );
}

/// Every number in a JSON value, as written.
fn numbers(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
        Value::Object(map) => map.values().for_each(|v| numbers(v, out)),
        _ => {}
    }
}

// DESIGN §2: interval ends are exact decimals, and every output carries
// them without binary noise (242000.00000000003 was a consensus end). On
// every metric of every shipped dataset, as of its default day and as of
// every day a claim window ends, each number `show --format json` prints
// has at most 12 significant digits — the data's numbers have at most 7,
// a tolerance at most 2, and a median one more decimal.
#[test]
fn json_numbers_carry_no_binary_noise() {
    let mut seen = 0;
    for folder in [
        "data",
        "datasets/derna-flood",
        "datasets/russian-buildup-2022",
        "datasets/haiti-2010",
    ] {
        let dir = repo().join(folder);
        let metrics = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
        let claims = std::fs::read_to_string(dir.join("claims.csv")).unwrap();
        let ids: Vec<String> = csv::Reader::from_reader(metrics.as_bytes())
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
        // The days claim windows end (the claimed column, as written).
        let mut reader = csv::Reader::from_reader(claims.as_bytes());
        let at = reader
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "claimed")
            .unwrap();
        let mut days: BTreeSet<String> = reader
            .records()
            .map(|r| r.unwrap()[at].to_string())
            .filter_map(|spec| spec.split('/').next_back().map(str::to_owned))
            .filter(|day| day.len() == 10)
            .collect();
        days.insert(String::new());
        let dir = dir.to_string_lossy().into_owned();
        for metric in &ids {
            for day in &days {
                let mut args = vec!["show", metric, "--format", "json", "--data", &dir];
                if !day.is_empty() {
                    args.extend(["--as-of", day]);
                }
                let run = Test::new().args(args).run().code(0);
                let json: Value = serde_json::from_str(&run.stdout).unwrap();
                let mut found = Vec::new();
                numbers(&json, &mut found);
                for number in found {
                    let digits = number
                        .trim_start_matches('-')
                        .split(['e', 'E'])
                        .next()
                        .unwrap_or_default()
                        .replace('.', "");
                    let significant = digits.trim_start_matches('0').len();
                    assert!(
                        significant <= 12,
                        "{folder} {metric} as of {day:?}: {number} in {}",
                        run.stdout
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 1000, "{seen} numbers scanned");
}

// `show --robustness --format json` adds DESIGN §4's `robustness` list;
// `show --format csv` gives one row per metric with every figure.
#[test]
fn robustness_json_and_csv() {
    let run = Test::new()
        .seed_data()
        .args([
            "show",
            "kp_troops_kursk",
            "--robustness",
            "--format",
            "json",
        ])
        .run()
        .code(0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let rows = json["robustness"].as_array().unwrap();
    let first = &rows[0];
    assert_eq!(first["without"], "source ua_president");
    assert_eq!(first["sources"], 4);
    assert_eq!(first["consensus"], Value::Null);
    assert_eq!(first["robust"], false);
    let keys: BTreeSet<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "without",
            "sources",
            "range",
            "median",
            "consensus",
            "robust"
        ])
    );
    let without: Vec<&str> = rows
        .iter()
        .map(|r| r["without"].as_str().unwrap())
        .collect();
    assert!(without.contains(&"affiliation South Korea") && without.contains(&"parties"));
    let csv = Test::new()
        .seed_data()
        .args(["show", "--format", "csv"])
        .run()
        .code(0)
        .stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 9, "{csv}");
    assert!(lines[0].starts_with("metric,label,unit,as_of,sources,affiliations,low,high,median"));
    assert!(
        lines[1].starts_with(
            "kp_troops_kursk,North Korean troops in Kursk region,troops,2025-03-07,5,4,8000,11000,\
             10000,3,11000,11000,2,3,2,"
        ),
        "{csv}"
    );
}
