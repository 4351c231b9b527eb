-- purpose: the operators, for a choice of operator (the busy-hours heatmap)
-- grain:   one row per operator
-- params:  none
-- units:   none
select operator_code, name, services, is_demo
from operator
order by operator_code
