# nbgrader's configuration for the hinge-loss course that `make student` writes to build/course.
# Each lesson is an assignment: source/<lesson>/<lesson>.ipynb. From this folder:
#   nbgrader generate_assignment 02_binary_hinge      -> release/ (answers replaced by stubs)
#   nbgrader autograde 02_binary_hinge --create       -> autograded/ (after collecting submissions)
#   nbgrader generate_feedback 02_binary_hinge        -> feedback/ (HTML, the checkers' messages)
c = get_config()  # noqa: F821 - nbgrader provides it

c.CourseDirectory.course_id = "hinge-loss"
# The lessons' figures and tables stay in the released notebooks: only the exercise cells come
# without outputs, and make student has cleared those already.
c.ClearOutput.enabled = False
# A lesson runs in well under a minute; a student's endless loop is stopped by the checker.
c.Execute.timeout = 300
