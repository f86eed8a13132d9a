//! The console's model of a cluster_mgr job: where it stands, its steps, and what it
//! waits for. Built by the server (`backend::jobs`), shown by the job components.

use crate::i18n::*;
use crate::lang::fill;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobStatus {
    Running,
    Done,
    Failed,
}

impl JobView {
    /// Why it failed, in `l`: the console's reason when it ended the job, else
    /// cluster_mgr's words (as it wrote them).
    pub fn failure(&self, l: Locale) -> String {
        match (self.end_reason, self.error_code) {
            (Some(r), _) => r.message(l),
            (None, Some(code)) => {
                let words = self.error.strip_suffix(&cluster_mgr_code(code)).unwrap_or(&self.error);
                fill!(td_string!(l, job.cluster_mgr_failed), words = words, code = code)
            }
            (None, None) => self.error.clone(),
        }
    }
}

/// How the console records a job cluster_mgr failed: its words and its code, in English
/// (stored, audited, sent to API clients). [`JobView::failure`] says it in the reader's
/// language.
pub fn cluster_mgr_failure(words: &str, code: i64) -> String {
    format!("{words}{}", cluster_mgr_code(code))
}

fn cluster_mgr_code(code: i64) -> String {
    format!(" (cluster_mgr error {code})")
}

impl JobStatus {
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            JobStatus::Running => td_string!(l, job_status.running),
            JobStatus::Done => td_string!(l, job_status.done),
            JobStatus::Failed => td_string!(l, common.failed),
        }
    }
}

/// What a step of a job does (XPanel's progress dialog: 初始化, each compute node, each
/// shard, 完成; jobs without sub-steps have one `Run` step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    Initialise,
    ComputeNode,
    Shard,
    Run,
    Finish,
    /// A step cluster_mgr names itself (manual_switch's `job_step`).
    Named,
    /// One replica of a rebuild_node; `name` is where node_mgr is in its own steps.
    Rebuild,
}

impl StepKind {
    pub fn label(self, l: Locale) -> &'static str {
        match self {
            StepKind::Initialise => td_string!(l, job_step.initialise),
            StepKind::ComputeNode => td_string!(l, job_step.compute_node),
            StepKind::Shard => td_string!(l, job_step.shard),
            StepKind::Run => td_string!(l, job_step.run),
            StepKind::Finish => td_string!(l, job_step.finish),
            StepKind::Named => "",
            StepKind::Rebuild => td_string!(l, job_step.rebuild),
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Initialise => "init",
            StepKind::ComputeNode => "comp",
            StepKind::Shard => "shard",
            StepKind::Run => "run",
            StepKind::Finish => "finish",
            StepKind::Named => "named",
            StepKind::Rebuild => "rebuild",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepState {
    Waiting,
    Running,
    Done,
    Failed,
}

impl StepState {
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Waiting => "waiting",
            StepState::Running => "running",
            StepState::Done => "done",
            StepState::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStep {
    pub kind: StepKind,
    /// 1-based among the steps of its kind.
    pub index: u16,
    /// `host:port` of the instances this step installs, once cluster_mgr names them.
    pub hosts: String,
    pub state: StepState,
    /// cluster_mgr's words when this step failed.
    pub error: String,
    /// cluster_mgr's name of a `Named` step.
    #[serde(default)]
    pub name: String,
}

impl JobStep {
    /// What the step is called: cluster_mgr's name, or the console's for its kind.
    pub fn title(&self, l: Locale) -> String {
        match self.kind {
            StepKind::Named => self.name.clone(),
            StepKind::Rebuild if self.name.is_empty() => {
                format!("{} {}", self.kind.label(l), self.index)
            }
            StepKind::Rebuild => format!("{} {} · {}", self.kind.label(l), self.index, self.name),
            k => k.label(l).to_owned(),
        }
    }
}

/// A job as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// The console's job id.
    pub id: i64,
    pub job_type: String,
    pub target: String,
    pub user_name: String,
    /// cluster_mgr's job id once it accepted the job.
    pub cm_job_id: String,
    pub status: JobStatus,
    /// Why the job failed: cluster_mgr's words, or the console's when it gave up on it.
    pub error: String,
    /// cluster_mgr's error code when it failed the job (0 is possible: some jobs report a
    /// failure with code 0 and the reason in the words).
    pub error_code: Option<i64>,
    /// cluster_mgr has no memo of the job yet: since when the console waits, and why.
    pub waiting: Option<JobWait>,
    /// The console ended the job itself: why.
    pub end_reason: Option<EndReason>,
    /// A passing problem (e.g. cluster_mgr unreachable right now) while the job runs.
    pub notice: String,
    pub steps: Vec<JobStep>,
    /// 0-100: steps done out of all steps.
    pub percent: u8,
    /// The cluster the job created or acts on, when known.
    pub cluster_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Why a running job shows no progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitReason {
    /// cluster_mgr has not set the job up yet: it waits in cluster_mgr's queue (its memo
    /// is NULL until then).
    Queued,
    /// cluster_mgr set the job up but writes no progress until it ends (delete_node).
    Silent,
    /// The submission has no answer yet: it is under way, or its answer was lost (a
    /// timeout, a broken connection) and the console looks for the job in cluster_mgr's
    /// log (`backend::jobs::reconcile`).
    AnswerLost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobWait {
    /// Unix seconds of the last sign of the job from cluster_mgr (its acceptance, or the
    /// last answer with a memo).
    pub since: i64,
    pub reason: WaitReason,
}

/// Why the console ended a job itself (cluster_mgr never said it ended), stored as a
/// key (`jobs.end_reason`) and told in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndReason {
    /// No memo within the start bound (seconds): cluster_mgr never started the job.
    NotStarted(u64),
    /// cluster_mgr set the job up and then said nothing for this many seconds.
    Silent(u64),
    /// cluster_mgr accepted `update_machine` and did nothing with it (1.0.x).
    NotApplied,
    /// The console stopped before cluster_mgr answered the submission.
    Unanswered,
    /// The answer to the submission was lost and the job is not in cluster_mgr's log.
    LostSubmit,
}

impl EndReason {
    /// `not_started:180`, `silent:1800`, `not_applied`, `unanswered`, `lost_submit`.
    pub fn key(self) -> String {
        match self {
            Self::NotStarted(s) => format!("not_started:{s}"),
            Self::Silent(s) => format!("silent:{s}"),
            Self::NotApplied => "not_applied".into(),
            Self::Unanswered => "unanswered".into(),
            Self::LostSubmit => "lost_submit".into(),
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        let (word, secs) = key.split_once(':').unwrap_or((key, ""));
        let secs = || secs.parse().ok();
        match word {
            "not_started" => secs().map(Self::NotStarted),
            "silent" => secs().map(Self::Silent),
            "not_applied" => Some(Self::NotApplied),
            "unanswered" => Some(Self::Unanswered),
            "lost_submit" => Some(Self::LostSubmit),
            _ => None,
        }
    }

    pub fn message(self, l: Locale) -> String {
        use crate::lang::fill;
        match self {
            Self::NotStarted(s) => fill!(td_string!(l, job_end.not_started), secs = s),
            Self::Silent(s) => fill!(td_string!(l, job_end.silent), secs = s),
            Self::NotApplied => td_string!(l, job_end.not_applied).into(),
            Self::Unanswered => td_string!(l, job_end.unanswered).into(),
            Self::LostSubmit => td_string!(l, job_end.lost_submit).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(error: String, error_code: Option<i64>) -> JobView {
        JobView {
            id: 1,
            job_type: "create_machine".into(),
            target: "10.0.0.1".into(),
            user_name: "super_dba".into(),
            cm_job_id: "7".into(),
            status: JobStatus::Failed,
            error,
            error_code,
            waiting: None,
            end_reason: None,
            notice: String::new(),
            steps: vec![],
            percent: 0,
            cluster_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_cluster_mgr_failure_is_its_words_and_code_in_the_readers_language() {
        let words = "Create machine job add hostaddr in server_nodes";
        let stored = cluster_mgr_failure(words, 70062);
        assert_eq!(stored, format!("{words} (cluster_mgr error 70062)"));
        let j = failed(stored.clone(), Some(70062));
        assert_eq!(j.failure(Locale::en), stored);
        assert_eq!(j.failure(Locale::zh_CN), format!("{words}（cluster_mgr 错误码 70062）"));
        // Code 0 (add_nodes reports failures so) is a code too.
        let zero = failed(cluster_mgr_failure("node_mgr failed", 0), Some(0));
        assert_eq!(zero.failure(Locale::zh_CN), "node_mgr failed（cluster_mgr 错误码 0）");
        // The console's own reasons are translated from their key.
        let mut lost = failed("anything".into(), None);
        lost.end_reason = Some(EndReason::LostSubmit);
        assert_ne!(lost.failure(Locale::zh_CN), lost.failure(Locale::en));
    }
}
