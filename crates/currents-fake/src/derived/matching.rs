//! Whether an action's matcher matches a test execution: its conditions, each a field of the
//! test, its run or its commit compared with the condition's value, joined by the matcher's
//! `and`/`or`.

use currents_api::types::{
    ConditionOperator, ConditionType, LogicalOperator, RuleMatcher, RuleMatcherCondition,
    RuleMatcherConditionValue, Run, RunSpec,
};

use super::executions::TestExecution;

pub(crate) fn matches(
    matcher: &RuleMatcher,
    run: &Run,
    spec: &RunSpec,
    test: &TestExecution,
) -> bool {
    let mut results = matcher.cond.iter().map(|c| condition(c, run, spec, test));
    match matcher.op {
        LogicalOperator::Or => results.any(|matched| matched),
        _ => results.all(|matched| matched),
    }
}

fn condition(
    condition: &RuleMatcherCondition,
    run: &Run,
    spec: &RunSpec,
    test: &TestExecution,
) -> bool {
    let commit = run.meta.as_ref().and_then(|meta| meta.commit.as_ref());
    let one = |value: Option<&String>| value.cloned().into_iter().collect::<Vec<_>>();
    // What the condition looks at: one value for most types, several for tags.
    let have: Vec<String> = match &condition.type_ {
        ConditionType::TestId => vec![test.test_id.clone()],
        ConditionType::Project => vec![run.project_id.clone()],
        ConditionType::Title => one(test.title.last()),
        ConditionType::TitlePath => vec![test.title.join(" > ")],
        ConditionType::File => one(spec.spec.as_ref()),
        ConditionType::GitBranch => one(commit.and_then(|c| c.branch.as_ref())),
        ConditionType::GitAuthorName => one(commit.and_then(|c| c.author_name.as_ref())),
        ConditionType::GitAuthorEmail => one(commit.and_then(|c| c.author_email.as_ref())),
        ConditionType::GitRemoteOrigin => one(commit.and_then(|c| c.remote_origin.as_ref())),
        ConditionType::GitMessage => one(commit.and_then(|c| c.message.as_ref())),
        ConditionType::ErrorMessage => one(test.error.as_ref()),
        ConditionType::Tag => run.tags.clone(),
        _ => Vec::new(),
    };
    let wanted: Vec<String> = match &condition.value {
        Some(RuleMatcherConditionValue::String(value)) => vec![value.clone()],
        Some(RuleMatcherConditionValue::Array(values)) => values.clone(),
        None => Vec::new(),
    };
    let equal = |w: &String| have.iter().any(|h| h == w);
    let includes = |w: &String| {
        have.iter()
            .any(|h| h.to_lowercase().contains(&w.to_lowercase()))
    };
    match &condition.op {
        ConditionOperator::Eq | ConditionOperator::In => wanted.iter().any(equal),
        ConditionOperator::Neq | ConditionOperator::NotIn => !wanted.iter().any(equal),
        ConditionOperator::Any => have.iter().any(|h| !h.is_empty()),
        ConditionOperator::Empty => have.iter().all(String::is_empty),
        ConditionOperator::Inc => wanted.iter().any(includes),
        ConditionOperator::NotInc => !wanted.iter().any(includes),
        ConditionOperator::IncAll => wanted.iter().all(includes),
        ConditionOperator::NotIncAll => !wanted.iter().all(includes),
        _ => false,
    }
}
